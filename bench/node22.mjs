#!/usr/bin/env node
/* global process, console */
// Finds, or fetches once, a Node 22 binary for the Node 20 vs 22 comparison of
// the request scope's cost (AsyncLocalStorage changed between them). The
// binary ships inside an npm registry package (node-<platform>-<arch>); it is
// fetched with the ordinary npm client (`npm pack`) into
// node_modules/.cache/zrm-node22 and never added to package.json: a dependency
// whose bin is `node` would make every pnpm script run on Node 22.
//   node bench/node22.mjs   → prints the binary's path, or exits 1
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE22_VERSION = '22.23.3';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'zrm-node22');

/** Path of the Node 22 binary, fetching it when missing; undefined when it cannot be had. */
export function node22Path() {
  if (process.env.ZRM_NODE22) return process.env.ZRM_NODE22;
  const binary = join(cache, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  try {
    mkdirSync(cache, { recursive: true });
    const spec = `node-${process.platform}-${process.arch}@${NODE22_VERSION}`;
    execFileSync('npm', ['pack', spec, '--pack-destination', cache, '--silent'], {
      stdio: 'ignore',
      timeout: 180_000,
    });
    const tarball = readdirSync(cache).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) return undefined;
    execFileSync('tar', ['xzf', join(cache, tarball), '-C', cache], { stdio: 'ignore' });
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = node22Path();
  if (path === undefined) {
    console.error('node22: could not fetch a Node 22 binary (offline?)');
    process.exit(1);
  }
  console.log(path);
}
