/**
 * The example's Nest services, each in its own Node process from the compiled
 * `dist` (Nest's injector needs the decorator metadata tsc emits): real HTTP on
 * loopback, the exact bytes of the pino log file, stdout and stderr.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Builds the example and the packages it references (tsc -b: a no-op when up to date). */
export function buildExample(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [root] });
  execFileSync(process.execPath, [tsc, '-b', 'examples/nestjs'], { cwd: root, stdio: 'pipe' });
}

/** A unique marker; `label` keeps the canaries of one test free of any shared 16-character run. */
export function canary(label: string): string {
  return `CANARY_${label}_${randomBytes(9).toString('hex')}`;
}

export interface ServiceOutput {
  /** The pino lines the service wrote (its log file). */
  readonly log: string;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningService {
  readonly url: string;
  /** What every sink holds right now. */
  output(): ServiceOutput;
  /** Stops the service (SIGTERM, Nest's `app.close()`) and returns every byte it wrote. */
  stop(): Promise<ServiceOutput>;
}

export interface ServiceOptions {
  platform: 'express' | 'fastify';
  /** zrm: the documented wiring; console: Nest's ConsoleLogger kept (Express); plain: no zrm. */
  wiring: 'zrm' | 'console' | 'plain';
  guardConsole: boolean;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), 'zrm-nest-'));
  const logFile = join(dir, 'service.log');
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PLATFORM: options.platform,
      WIRING: options.wiring,
      GUARD_CONSOLE: options.guardConsole ? 'on' : 'off',
      LOG_FILE: logFile,
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`service exited (${code}): ${Buffer.concat(stderr).toString()}`)),
    );
    child.stdout.on('data', () => {
      const match = /READY (\d+)/.exec(Buffer.concat(stdout).toString());
      if (match) resolve(match[1] as string);
    });
  });
  const output = (): ServiceOutput => {
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {
      // not written yet
    }
    return {
      log,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
  };
  return {
    url: `http://127.0.0.1:${port}`,
    output,
    async stop() {
      child.kill('SIGTERM');
      await closed;
      const all = output();
      rmSync(dir, { recursive: true, force: true });
      return all;
    },
  };
}

/** Polls until `check` holds for the service's output (bounded), e.g. the last line awaited. */
export async function waitForOutput(
  service: RunningService,
  check: (output: ServiceOutput) => boolean,
): Promise<void> {
  for (let i = 0; i < 1_000 && !check(service.output()); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check(service.output())) throw new Error('waitForOutput: the awaited output never came');
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/** POST /v1/text-to-speech with a JSON body (or raw text, for malformed JSON). */
export async function synthesize(url: string, query: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${url}/v1/text-to-speech${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
