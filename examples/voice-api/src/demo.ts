#!/usr/bin/env node
// `pnpm demo`: starts the example service as production would run it (its
// stdout and stderr to a file, Sentry to a loopback ingest), points zrm-audit at it, stops the service, prints the retention report sink by sink
// (its verdict last). `--report FILE.html` (or `.md`) also writes it to a file.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const auditCli = fileURLToPath(import.meta.resolve('@zrm/testing/cli'));

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startService(
  framework: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  output: number,
): Promise<{ child: ChildProcess; url: string }> {
  // stderr straight to the file, stdout through a pipe: the ready line is read from it on the way
  const child = spawn(process.execPath, [join(here, 'main.js'), ...args], {
    env,
    stdio: ['ignore', 'pipe', output],
  });
  child.stdout!.on('data', (part: Buffer) => writeSync(output, part));
  const lines = createInterface({ input: child.stdout! });
  const started = Date.now();
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  // the embedded Postgres and the OpenTelemetry SDK take a few seconds to start
  const ticker = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    console.error(
      `▶ still starting (${seconds} s): embedded Postgres, OpenTelemetry SDK, ${framework}`,
    );
  }, 2000);
  try {
    for await (const line of lines) {
      const ready = JSON.parse(line) as { ready?: boolean; url?: string };
      if (ready.ready === true && typeof ready.url === 'string') return { child, url: ready.url };
    }
  } catch {
    // fall through: the service printed something unexpected
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
  }
  throw new Error('demo: the example service did not start within 120 s');
}

const { values } = parseArgs({
  options: {
    framework: { type: 'string', default: 'express' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    report: { type: 'string', multiple: true },
  },
});

const work = mkdtempSync(join(tmpdir(), 'zrm-demo-'));
const serviceTmp = join(work, 'tmp');
mkdirSync(serviceTmp);
const logFile = join(work, 'voice-api.log');
const stdoutFile = join(work, 'voice-api.stdout');
const output = openSync(stdoutFile, 'a');
const otlpPort = await freePort();
const sentryPort = await freePort();

console.error(`▶ starting examples/voice-api on ${values.framework} (logs: ${logFile})`);
if (values.keep) console.error(`▶ ${work} is kept after the demo`);
const { child, url } = await startService(
  values.framework,
  [
    '--framework',
    values.framework,
    '--port',
    '0',
    '--log-file',
    logFile,
    '--otlp',
    `http://127.0.0.1:${otlpPort}`,
  ],
  { ...process.env, TMPDIR: serviceTmp, SENTRY_DSN: `http://public@127.0.0.1:${sentryPort}/1` },
  output,
);
console.error(`▶ service at ${url}; running zrm-audit against it\n`);

const audit = spawn(
  process.execPath,
  [
    auditCli,
    '--config',
    join(here, '..', 'zrm-audit.json'),
    '--url',
    url,
    '--api-key',
    'sk_demo_acme_health',
    '--unentitled-api-key',
    'sk_demo_hobby_studio',
    '--forced-api-key',
    'sk_demo_northbank',
    '--log-file',
    logFile,
    '--stdout-file',
    stdoutFile,
    '--sentry-port',
    String(sentryPort),
    '--temp-dir',
    serviceTmp,
    '--otlp-port',
    String(otlpPort),
    ...(values.report ?? []).flatMap((file) => ['--report', file]),
    ...(values.json ? ['--json'] : []),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
// the report is printed once the service has stopped, so its verdict is the last line on screen
const report: Buffer[] = [];
audit.stdout.on('data', (part: Buffer) => report.push(part));
const [code] = (await once(audit, 'exit')) as [number | null];

child.kill('SIGTERM');
await once(child, 'exit');
closeSync(output);
if (!values.keep) rmSync(work, { recursive: true, force: true });
process.stdout.write(Buffer.concat(report));
process.exitCode = code ?? 1;
