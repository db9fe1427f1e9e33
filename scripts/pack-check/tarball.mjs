// Packs a package the documented way (pnpm, which rewrites `workspace:` ranges)
// and unpacks the tarball to read exactly what a registry would serve.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { attempt, clientEnv } from './commands.mjs';

/** `pnpm pack` of the package into `destination` (made empty); returns the tarball's path. */
export async function packWithPnpm(pkgPath, destination) {
  mkdirSync(destination, { recursive: true });
  const packed = await attempt('pnpm', ['pack', '--pack-destination', destination], {
    cwd: pkgPath,
    env: clientEnv(),
  });
  if (packed.code !== 0) throw new Error(`pnpm pack exited ${packed.code}`);
  const created = readdirSync(destination).filter((name) => name.endsWith('.tgz'));
  if (created.length !== 1) throw new Error(`pnpm pack made ${created.length} tarballs`);
  return join(destination, created[0]);
}

/** Unpacks `tarball` into `destination`; returns its `package/` directory. */
export function unpack(tarball, destination) {
  mkdirSync(destination, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', destination], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return join(destination, 'package');
}

/** Every regular file under `dir`, as `/`-separated paths relative to it. */
export function listFiles(dir) {
  const files = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return files.sort();
}
