import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { RedactionEvent } from '@zrm/core';
import type { SentryReceiver } from '@zrm/testing';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

let built: Promise<void> | undefined;

/**
 * The child processes load the built packages: builds @zrm/sentry and
 * @zrm/express (and core) once per test file, one file at a time (a lock
 * directory), so that no app loads a half-written output.
 */
export function buildDist(): Promise<void> {
  built ??= build();
  return built;
}

async function build(): Promise<void> {
  const lock = join(
    tmpdir(),
    `zrm-sentry-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`,
  );
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock left by a killed run is taken over after two minutes
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (since < Date.now() - 120_000) rmdirSync(lock);
      await sleep(100);
    }
  }
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [root] });
    execFileSync(process.execPath, [tsc, '-b', 'packages/sentry', 'packages/express'], {
      cwd: root,
      stdio: 'pipe',
    });
  } finally {
    rmdirSync(lock);
  }
}

export interface AppOptions {
  readonly receiver: SentryReceiver;
  /** false: the positive control, the same app without the integration. */
  readonly integration: boolean;
  readonly lifecycle?: 'stream' | 'static';
  readonly echoUrl: string;
  /** Another installed SDK major to run against (`@sentry/node-v10`); default: the `@sentry/node` dev dependency. */
  readonly sentryPackage?: string;
}

export interface SentryApp {
  readonly url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** `Sentry.flush()` in the app: every envelope captured so far has reached the receiver. */
  flush(): Promise<void>;
  redactions(): Promise<RedactionEvent[]>;
  stop(): Promise<void>;
}

function request<T>(child: ChildProcess, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: Record<string, unknown>) => {
      if (!(key in reply)) return;
      child.off('message', onMessage);
      resolve(reply[key] as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** Starts `fixtures/app.mjs` with `--import fixtures/instrument.mjs` in its own Node process. */
export async function startSentryApp(options: AppOptions): Promise<SentryApp> {
  const child = fork(`${fixtures}app.mjs`, [], {
    cwd: fixtures,
    execArgv: [
      // Sentry 9 calls module.register(), deprecated on Node 26 (DEP0205): the warning is
      // printed with the process id, and Sentry records that stderr line as a console breadcrumb
      // and log record, so two processes' events would differ by it
      '--disable-warning=DEP0205',
      ...(options.sentryPackage === undefined ? [] : ['--import', `${fixtures}sentry-package.mjs`]),
      '--import',
      `${fixtures}instrument.mjs`,
    ],
    env: {
      ...process.env,
      SENTRY_DSN: options.receiver.dsn,
      ZRM_SENTRY: options.integration ? 'on' : 'off',
      TRACE_LIFECYCLE: options.lifecycle ?? 'stream',
      ECHO_URL: options.echoUrl,
      ...(options.sentryPackage !== undefined && { SENTRY_PACKAGE: options.sentryPackage }),
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) =>
      reject(new Error(`app exited (${code}): ${stderr.slice(0, 2000)}`)),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    flush: async () => {
      await request(child, 'flush', 'flushed');
    },
    redactions: () => request(child, 'redactions', 'redactions'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A loopback server the handler calls out to (an outgoing HTTP call: a breadcrumb and a span). */
export async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
