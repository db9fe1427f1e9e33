import { spawn, type ChildProcess } from 'node:child_process';
import { basename, dirname } from 'node:path';
import process from 'node:process';

/** How a child process ended, and everything it wrote. */
export interface AppExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ZeroCodeApp {
  readonly url: string;
  /** Sends `signal` and waits until the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<AppExit>;
}

const running = new Set<ChildProcess>();

/**
 * `node --import <each of imports> <entry>` in the entry's folder (as a user
 * starts an app), with only PATH and `env` in its environment.
 */
function spawnApp(
  entry: string,
  imports: readonly string[],
  env: Record<string, string>,
): { child: ChildProcess; exited: Promise<AppExit>; stdout: () => string } {
  const args = [...imports.flatMap((specifier) => ['--import', specifier]), basename(entry)];
  const child = spawn(process.execPath, args, {
    cwd: dirname(entry),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<AppExit>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, exited, stdout: () => stdout };
}

/** Starts the app and waits for its `READY <port>` line (or its early exit, which rejects). */
export function startZeroCodeApp(
  entry: string,
  imports: readonly string[],
  env: Record<string, string>,
): Promise<ZeroCodeApp> {
  const { child, exited, stdout } = spawnApp(entry, imports, env);
  return new Promise((resolve, reject) => {
    void exited.then((exit) =>
      reject(
        new Error(`app exited before it listened (${exit.code}): ${exit.stderr.slice(0, 3000)}`),
      ),
    );
    child.stdout?.on('data', () => {
      const match = /READY (\d+)/.exec(stdout());
      if (match === null) return;
      resolve({
        url: `http://127.0.0.1:${match[1]}`,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** Runs the app until it ends by itself (a register that refuses to start). */
export function runZeroCodeApp(
  entry: string,
  imports: readonly string[],
  env: Record<string, string>,
): Promise<AppExit> {
  return spawnApp(entry, imports, env).exited;
}

/** Kills what a failed test left running. */
export function killZeroCodeApps(): void {
  for (const child of running) child.kill('SIGKILL');
}
