/**
 * Child Node processes for tests that must read what a real process wrote to
 * its own stdout and stderr. The children load the packages' built `dist`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Modification time of the newest file under `dir`. */
function lastChange(dir: string): number {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return Math.max(0, ...files.map((file) => statSync(join(dir, file)).mtimeMs));
}

/** Builds `packages/<name>` (and what it references) when a source is newer than its dist. */
export function ensureBuilt(...names: string[]): void {
  for (const name of names) {
    const built = join(root, 'packages', name, 'dist', 'index.js');
    const sources = ['core', name].map((p) => lastChange(join(root, 'packages', p, 'src')));
    if (existsSync(built) && Math.max(...sources) < statSync(built).mtimeMs) continue;
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc', { paths: [root] });
    execFileSync(process.execPath, [tsc, '-b', `packages/${name}`], { cwd: root, stdio: 'pipe' });
  }
}

export interface NodeRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** Runs `script` in its own Node process; resolves with the exact bytes it wrote to stdout and stderr. */
export function runNode(
  script: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
  });
}
