import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../examples/voice-api/dist/main.js', import.meta.url));

export interface RunningExample {
  url: string;
  logFile: string;
  tempDir: string;
  otlpPort: number;
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
): Promise<RunningExample> {
  const work = mkdtempSync(join(tmpdir(), `zrm-e2e-${framework}-`));
  const tempDir = join(work, 'tmp');
  mkdirSync(tempDir);
  const logFile = join(work, 'voice-api.log');
  const otlpPort = await freePort();
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
    { env: { ...process.env, TMPDIR: tempDir }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
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
    tempDir,
    otlpPort,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      rmSync(work, { recursive: true, force: true });
    },
  };
}
