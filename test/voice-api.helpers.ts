import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../examples/voice-api/dist/main.js', import.meta.url));

export interface RunningExample {
  url: string;
  logFile: string;
  /** The service's stdout and stderr, as the demo writes them. */
  stdoutFile: string;
  tempDir: string;
  otlpPort: number;
  /** The port of the loopback Sentry ingest its DSN points at (the audit's `sentry` receiver). */
  sentryPort: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts the built example service in its own process, exactly as the demo does. */
export async function startExample(
  framework: 'express' | 'fastify',
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<RunningExample> {
  const work = mkdtempSync(join(tmpdir(), `zrm-e2e-${framework}-`));
  const tempDir = join(work, 'tmp');
  mkdirSync(tempDir);
  const logFile = join(work, 'voice-api.log');
  const stdoutFile = join(work, 'voice-api.stdout');
  const output = openSync(stdoutFile, 'a');
  const otlpPort = await freePort();
  const sentryPort = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      MAIN,
      '--framework',
      framework,
      '--port',
      '0',
      '--log-file',
      logFile,
      '--otlp',
      `http://127.0.0.1:${otlpPort}`,
      ...extra,
    ],
    {
      env: {
        ...process.env,
        TMPDIR: tempDir,
        SENTRY_DSN: `http://public@127.0.0.1:${sentryPort}/1`,
        ...env,
      },
      stdio: ['ignore', 'pipe', output],
    },
  );
  child.stdout!.on('data', (part: Buffer) => writeSync(output, part));
  const lines = createInterface({ input: child.stdout! });
  let url: string | undefined;
  for await (const line of lines) {
    const parsed = JSON.parse(line) as { ready?: boolean; url?: string };
    if (parsed.ready === true) {
      url = parsed.url;
      break;
    }
  }
  if (url === undefined) throw new Error('the example service did not start');
  return {
    url,
    logFile,
    stdoutFile,
    tempDir,
    otlpPort,
    sentryPort,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      closeSync(output);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
