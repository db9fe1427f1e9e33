// `node --import @zrm/otel/register app.mjs`, as a user starts it: a real ESM
// app (Express + @zrm/express, pino + @zrm/pino) in its own process, the real
// OpenTelemetry SDK configured from OTEL_* only, OTLP/HTTP to a loopback
// receiver whose raw bytes are searched. On SDK 2 (sdk-node 0.223, this
// package's devDependencies) and, on Node >= 22.15, on SDK 3 (sdk-node 0.301,
// the app placed under compat/otel-sdk3 so that it resolves that SDK).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canary, findCanaries } from './support/canary.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { buildDist } from './support/service-process.js';
import {
  killZeroCodeApps,
  runZeroCodeApp,
  startZeroCodeApp,
  type AppExit,
} from './support/zero-code-app.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const sdk2App = here('./fixtures/zero-code/app.mjs');
const sdk3App = here('../../../compat/otel-sdk3/test/fixtures/zero-code/app.mjs');
const upstreamEsmHook = pathToFileURL(here('./fixtures/zero-code/upstream-esm-hook.mjs')).href;
const REGISTER = '@zrm/otel/register';
const UPSTREAM_REGISTER = '@opentelemetry/auto-instrumentations-node/register';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const sdk3Runs = major > 22 || (major === 22 && minor >= 15);

interface Line {
  readonly name: string;
  readonly app: string;
  readonly skip: boolean;
  /** The register's started line: which sdk-node and which `@opentelemetry/api` copies ran. */
  readonly started: RegExp;
  /** Major of `telemetry.sdk.version` in the exported resource. */
  readonly sdkMajor: string;
}

const LINES: readonly Line[] = [
  {
    name: 'SDK 2 (sdk-node 0.223, Node 20+)',
    app: sdk2App,
    skip: false,
    started:
      /sdk-node 0\.2\d\d\.\d+ with @opentelemetry\/api 1\.9\.\d+; @zrm\/otel with @opentelemetry\/api 1\.9\.\d+/,
    sdkMajor: '2',
  },
  {
    name: 'SDK 3 (sdk-node 0.301, Node >= 22.15)',
    app: sdk3App,
    skip: !sdk3Runs,
    // zrm's api 1.9 reads the globals the SDK's api 1.10 registered
    started:
      /sdk-node 0\.3\d\d\.\d+ with @opentelemetry\/api 1\.10\.\d+; @zrm\/otel with @opentelemetry\/api 1\.9\.\d+/,
    sdkMajor: '3',
  },
];

/** A loopback service the app calls: keeps the headers of each call. */
async function startDownstream(): Promise<{
  url: string;
  calls: IncomingHttpHeaders[];
  close(): Promise<void>;
}> {
  const calls: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    calls.push(req.headers);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tts`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let receiver: OtlpReceiver;
let downstream: Awaited<ReturnType<typeof startDownstream>>;

beforeAll(async () => {
  buildDist(['otel', 'express', 'pino']);
  receiver = await startOtlpReceiver();
  downstream = await startDownstream();
}, 120_000);

afterAll(async () => {
  killZeroCodeApps();
  await receiver?.close();
  await downstream?.close();
});

afterEach(() => killZeroCodeApps());

/** A fresh receiver and downstream for each scenario, so bytes are one run's. */
async function freshSinks(): Promise<void> {
  await receiver.close();
  await downstream.close();
  receiver = await startOtlpReceiver();
  downstream = await startDownstream();
}

/** The OTEL_* setup of the scenarios: traces over http/protobuf, logs over http/json, short batches. */
function otelEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    OTEL_SERVICE_NAME: 'zero-code-app',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_BLRP_SCHEDULE_DELAY: '50',
    // no cloud detectors: they ask metadata endpoints off this machine
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
    OTEL_LOG_LEVEL: 'info',
    DOWNSTREAM_URL: downstream.url,
    ...extra,
  };
}

interface Texts {
  readonly query: string;
  readonly body: string;
}

/** What a TTS client sends: a voice in the query, the text in the JSON body. */
async function speak(url: string, texts: Texts, zeroRetention: boolean): Promise<Response> {
  const flag = zeroRetention ? 'enable_logging=false&' : '';
  const res = await fetch(`${url}/speak?${flag}voice=${texts.query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: texts.body }),
  });
  await res.text();
  return res;
}

interface Run {
  readonly exit: AppExit;
  readonly zrm: Texts;
  readonly kept: Texts;
  readonly zrmResponse: Response;
}

/** Starts the app, sends one ZRM and one ordinary request, and stops it with `signal`. */
async function runScenario(
  app: string,
  imports: readonly string[],
  env: Record<string, string>,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<Run> {
  await freshSinks();
  const zrm = { query: canary('zrm-query'), body: canary('zrm-body') };
  const kept = { query: canary('kept-query'), body: canary('kept-body') };
  const running = await startZeroCodeApp(app, imports, otelEnv(env));
  const zrmResponse = await speak(running.url, zrm, true);
  await speak(running.url, kept, false);
  const exit = await running.stop(signal);
  return { exit, zrm, kept, zrmResponse };
}

const everything = (run: Run) => `${receiver.received()}\n${run.exit.stdout}\n${run.exit.stderr}`;

for (const line of LINES) {
  describe.skipIf(line.skip)(`${line.name}: node --import @zrm/otel/register`, () => {
    let run: Run;
    beforeAll(async () => {
      run = await runScenario(line.app, [REGISTER], { APP_ON_SIGTERM: 'close' });
    }, 60_000);

    it('runs the SDK the application installed (sdk-node, api and telemetry.sdk.version of that line)', () => {
      expect(run.exit.stdout).toMatch(line.started);
      const sdkVersion = /telemetry\.sdk\.version[^0-9]{1,40}(\d+)\.\d+\.\d+/.exec(
        receiver.received('/v1/traces'),
      );
      expect(sdkVersion?.[1]).toBe(line.sdkMajor);
      expect(receiver.received('/v1/traces')).toContain('zero-code-app');
      // the ESM hook is installed without Node's warnings (module.register is deprecated on Node 26)
      expect(run.exit.stderr).not.toMatch(/DeprecationWarning|ExperimentalWarning/);
    });

    it('exports no canary of a ZRM request (query, body) in any OTLP byte, log line or stderr', () => {
      expect(run.zrmResponse.headers.get('zero-retention')).toBe('enforced');
      expect(receiver.received('/v1/metrics')).toContain('http.server');
      expect(findCanaries(everything(run), [run.zrm.query, run.zrm.body])).toEqual([]);
    });

    it("exports the ZRM request's spans and pino log record, redacted and marked zrm.zero_retention", () => {
      const traces = receiver.received('/v1/traces');
      const logs = receiver.received('/v1/logs');
      expect(traces).toContain('zrm.zero_retention');
      expect(traces).toContain('request handler - /speak');
      // the log record's mark is set by ZeroRetentionLogRecordProcessor (pino only adds "zrm")
      expect(logs).toContain('"key":"zrm.zero_retention","value":{"boolValue":true}');
      expect(logs).toContain('[REDACTED]');
    });

    it("keeps an ordinary request's content: its query in spans, query and body in its OTLP log record and log line", () => {
      const { query, body } = run.kept;
      expect(findCanaries(receiver.received('/v1/traces'), [query, body])).toEqual([query]);
      expect(findCanaries(receiver.received('/v1/logs'), [query, body])).toEqual([query, body]);
      expect(receiver.received('/v1/logs')).toContain(`speaking ${body} in ${query}`);
      expect(run.exit.stdout).toContain(`speaking ${body} in ${query}`);
    });

    it("propagates W3C trace context, and zrm=1 baggage on the ZRM request's outgoing call only", () => {
      const [fromZrm, fromOrdinary] = downstream.calls;
      expect(fromZrm?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(fromZrm?.baggage).toBe('zrm=1');
      expect(fromOrdinary?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(fromOrdinary?.baggage).toBeUndefined();
    });

    it("flushes on SIGTERM and leaves the exit to the app's own handler (exit 0, no double shutdown)", () => {
      expect(run.exit).toMatchObject({ code: 0, signal: null });
      expect(run.exit.stderr).not.toMatch(/shutdown may only be called once/);
    });
  });

  describe.skipIf(line.skip)(`${line.name}: positive control, upstream register`, () => {
    let run: Run;
    beforeAll(async () => {
      // the setup OpenTelemetry documents for an ESM app: its loader hook, then its register
      run = await runScenario(line.app, [upstreamEsmHook, UPSTREAM_REGISTER], {
        APP_ON_SIGTERM: 'close',
      });
    }, 60_000);

    it("exports the ZRM request's query canary in its spans", () => {
      expect(findCanaries(receiver.received('/v1/traces'), [run.zrm.query])).toEqual([
        run.zrm.query,
      ]);
      expect(receiver.received('/v1/logs')).toContain(`speaking ${run.kept.body}`);
    });

    it('has no zrm processor in its pipelines: no span or log record is marked', () => {
      expect(receiver.received()).not.toContain('zrm.zero_retention');
    });
  });

  describe.skipIf(line.skip)(`${line.name}: the environment`, () => {
    it('bogus exporter, protocol and propagator: warns as the SDK does, exports no traces, logs still go through zrm', async () => {
      const run = await runScenario(line.app, [REGISTER], {
        APP_ON_SIGTERM: 'close',
        OTEL_TRACES_EXPORTER: 'bogus',
        OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'bogus',
        OTEL_PROPAGATORS: 'bogus',
        OTEL_LOG_LEVEL: 'warn',
      });
      expect(run.exit.stderr).toContain('unsupported OTEL_TRACES_EXPORTER value "bogus"');
      expect(run.exit.stderr).toContain('unsupported OTLP protocol "bogus"');
      expect(run.exit.stderr).toContain('unsupported OTEL_PROPAGATORS value "bogus"');
      expect(receiver.received('/v1/traces')).toBe('');
      const logs = receiver.received('/v1/logs');
      expect(findCanaries(logs, [run.kept.body])).toEqual([run.kept.body]);
      expect(logs).toContain('zrm.zero_retention');
      expect(findCanaries(everything(run), [run.zrm.query, run.zrm.body])).toEqual([]);
      // no trace context without a propagator, zrm's is still there
      expect(downstream.calls[0]?.traceparent).toBeUndefined();
      expect(downstream.calls[0]?.baggage).toBe('zrm=1');
    });

    it('OTEL_PROPAGATORS=b3 and OTEL_TRACES_SAMPLER=always_off: B3 headers plus zrm=1, no span exported, logs kept', async () => {
      const run = await runScenario(line.app, [REGISTER], {
        APP_ON_SIGTERM: 'close',
        OTEL_PROPAGATORS: 'b3',
        OTEL_TRACES_SAMPLER: 'always_off',
      });
      const [fromZrm, fromOrdinary] = downstream.calls;
      expect(fromZrm?.b3).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}-0$/);
      expect(fromZrm?.traceparent).toBeUndefined();
      expect(fromZrm?.baggage).toBe('zrm=1');
      expect(fromOrdinary?.baggage).toBeUndefined();
      expect(receiver.received('/v1/traces')).toBe('');
      expect(findCanaries(receiver.received('/v1/logs'), [run.kept.body])).toEqual([run.kept.body]);
      expect(findCanaries(everything(run), [run.zrm.query, run.zrm.body])).toEqual([]);
    });

    it('OTEL_NODE_DISABLED_INSTRUMENTATIONS=pino: spans are exported, no log record is', async () => {
      const run = await runScenario(line.app, [REGISTER], {
        APP_ON_SIGTERM: 'close',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino',
      });
      expect(findCanaries(receiver.received('/v1/traces'), [run.kept.query])).toEqual([
        run.kept.query,
      ]);
      expect(receiver.received('/v1/logs')).toBe('');
      expect(run.exit.stdout).toContain(`speaking ${run.kept.body}`);
    });

    it('OTEL_SDK_DISABLED=true: the app serves, nothing is exported', async () => {
      const run = await runScenario(line.app, [REGISTER], {
        APP_ON_SIGTERM: 'close',
        OTEL_SDK_DISABLED: 'true',
      });
      expect(run.zrmResponse.status).toBe(200);
      expect(run.exit.code).toBe(0);
      expect(receiver.received()).toBe('');
      expect(run.exit.stdout).not.toContain('OpenTelemetry started');
    });

    it.each(['SIGTERM', 'SIGINT'] as const)(
      '%s to an app that does not handle it: flushed, then the process ends by that signal',
      async (signal) => {
        const run = await runScenario(line.app, [REGISTER], { APP_ON_SIGTERM: 'default' }, signal);
        expect(run.exit).toMatchObject({ code: null, signal });
        expect(findCanaries(receiver.received('/v1/logs'), [run.kept.body])).toEqual([
          run.kept.body,
        ]);
        expect(findCanaries(everything(run), [run.zrm.query, run.zrm.body])).toEqual([]);
      },
    );
  });
}

function manifestName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** The real folder of package `name` as the app at `from` resolves it. */
function packageDir(from: string, name: string): string {
  let dir = dirname(realpathSync(createRequire(from).resolve(name)));
  while (manifestName(dir) !== name) dir = dirname(dir);
  return dir;
}

/** A user's install in a temporary folder: a copy of @zrm/otel (built), @zrm/core, and `links` only. */
function installWithout(links: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'zrm-register-'));
  const otel = join(dir, 'node_modules/@zrm/otel');
  const packageRoot = here('../');
  mkdirSync(otel, { recursive: true });
  cpSync(join(packageRoot, 'package.json'), join(otel, 'package.json'));
  cpSync(join(packageRoot, 'dist'), join(otel, 'dist'), { recursive: true });
  const all = { '@zrm/core': packageDir(sdk2App, '@zrm/core'), ...links };
  for (const [name, target] of Object.entries(all)) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
  writeFileSync(join(dir, 'app.mjs'), "process.stdout.write('APP STARTED\\n');\n");
  return dir;
}

describe('an install without what the register needs', () => {
  const installs: string[] = [];
  const install = (links: Record<string, string>) => {
    const dir = installWithout(links);
    installs.push(dir);
    return join(dir, 'app.mjs');
  };
  afterAll(() => {
    for (const dir of installs) rmSync(dir, { recursive: true, force: true });
  });
  const api19 = () => packageDir(sdk2App, '@opentelemetry/api');

  it('no SDK at all: the app does not start, the error names both packages to install', async () => {
    const exit = await runZeroCodeApp(install({ '@opentelemetry/api': api19() }), [REGISTER], {});
    expect(exit.code).toBe(1);
    expect(exit.stdout).not.toContain('APP STARTED');
    expect(exit.stderr).toContain(
      'needs @opentelemetry/sdk-node and @opentelemetry/auto-instrumentations-node',
    );
    expect(exit.stderr).toContain(
      'npm install @opentelemetry/sdk-node @opentelemetry/auto-instrumentations-node',
    );
  });

  it('sdk-node without auto-instrumentations-node: the error names the one missing', async () => {
    const entry = install({
      '@opentelemetry/api': api19(),
      '@opentelemetry/sdk-node': packageDir(sdk2App, '@opentelemetry/sdk-node'),
    });
    const exit = await runZeroCodeApp(entry, [REGISTER], {});
    expect(exit.code).toBe(1);
    expect(exit.stdout).not.toContain('APP STARTED');
    expect(exit.stderr).toContain('(npm install @opentelemetry/auto-instrumentations-node)');
    expect(exit.stderr).not.toContain('needs @opentelemetry/sdk-node');
  });

  it("zrm's @opentelemetry/api newer than the SDK's (1.10 over 1.9): OpenTelemetry is shut down, the app does not start", async () => {
    await freshSinks();
    const entry = install({
      '@opentelemetry/api': packageDir(sdk3App, '@opentelemetry/api'),
      '@opentelemetry/sdk-node': packageDir(sdk2App, '@opentelemetry/sdk-node'),
      '@opentelemetry/auto-instrumentations-node': packageDir(
        sdk2App,
        '@opentelemetry/auto-instrumentations-node',
      ),
    });
    const exit = await runZeroCodeApp(
      entry,
      [REGISTER],
      otelEnv({ OTEL_METRICS_EXPORTER: 'none' }),
    );
    expect(exit.code).toBe(1);
    expect(exit.stdout).not.toContain('APP STARTED');
    expect(exit.stderr).toContain(
      "@zrm/otel's @opentelemetry/api cannot see the context the SDK registered",
    );
    expect(exit.stderr).toMatch(
      /with @opentelemetry\/api 1\.9\.\d+; @zrm\/otel with @opentelemetry\/api 1\.10\.\d+/,
    );
    expect(receiver.received()).toBe('');
  });
});
