import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childExecArgv } from './otel-sdk.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/service.mjs', import.meta.url));

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

function oldestBuild(packages: readonly string[]): number {
  const outputs = packages.map((p) => join(root, `packages/${p}/dist/index.js`));
  return Math.min(...outputs.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
}

/** Runs `fn` while holding a lock directory: test files of both SDK projects build the same dist. */
function exclusively(fn: () => void): void {
  const cache = join(root, 'node_modules/.cache');
  const lock = join(cache, 'zrm-otel-dist.lock');
  mkdirSync(cache, { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // a lock older than any build (its process died): take it over
      if (tries === 1_200) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(pause, 0, 0, 100);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds @zrm/otel (or the given packages) and @zrm/core when a source is newer than the dist: the child processes load the dist. */
export function buildDist(packages: readonly string[] = ['otel']): void {
  exclusively(() => {
    const all = [...packages, 'core'];
    const sources = Math.max(...all.map((p) => newest(join(root, `packages/${p}/src`))));
    if (sources < oldestBuild(all)) return;
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [root] });
    const projects = packages.map((p) => `packages/${p}`);
    execFileSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, stdio: 'pipe' });
  });
}

export interface ServiceProcess {
  readonly url: string;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `fixtures/service.mjs` in its own Node process, on the tests' SDK line, and waits until it listens. */
export function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, [...childExecArgv, fixture], {
    env: { ...process.env, ...env, OTEL_LOG_LEVEL: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) =>
      reject(new Error(`service exited (${code}): ${err.slice(0, 2000)}`)),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match === null) return;
      const url = `http://127.0.0.1:${match[1]}`;
      resolve({
        url,
        flush: async () => {
          await (await fetch(`${url}/__flush`)).text();
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
