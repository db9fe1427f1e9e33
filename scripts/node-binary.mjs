#!/usr/bin/env node
/* global process, console */
// Finds, or fetches once, the Node binary of one major version: the Node 24
// and 26 lines of the test suite (scripts/task.mjs), the Node 24 line of the
// budgets (bench/node-lines.mjs) and the Node 22 side of the request scope's
// comparison (bench/scope-node.mjs). The binary ships inside
// an npm registry package (node-<platform>-<arch>); it is fetched with the
// ordinary npm client (`npm pack`) into node_modules/.cache/zrm-node/<version>
// and never added to package.json: a dependency whose bin is `node` would make
// every pnpm script run on that Node.
//   node scripts/node-binary.mjs 24   → prints the binary's path, or the reason and exits 1
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exact version fetched for each major. */
export const NODE_VERSIONS = { 22: '22.23.3', 24: '24.22.3', 26: '26.12.1' };
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The major version of the Node running this process. */
export const currentMajor = () => Number(process.versions.node.split('.')[0]);

/**
 * Path of a Node `major` binary: `ZRM_NODE<major>` when set, this process's
 * when it is that major, else the pinned version, fetched the first time.
 * Throws an Error whose message is the reason when it cannot be had.
 */
export function nodeBinary(major) {
  const override = process.env[`ZRM_NODE${major}`];
  if (override) {
    if (!existsSync(override)) throw new Error(`ZRM_NODE${major} names no file`);
    const version = execFileSync(override, ['--version'], { encoding: 'utf8' }).trim();
    if (!version.startsWith(`v${major}.`)) throw new Error(`ZRM_NODE${major} is Node ${version}`);
    return override;
  }
  if (currentMajor() === major) return process.execPath;
  const version = NODE_VERSIONS[major];
  if (version === undefined) throw new Error(`no pinned Node ${major} in scripts/node-binary.mjs`);
  const cache = join(root, 'node_modules', '.cache', 'zrm-node', version);
  const binary = join(cache, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  const spec = `node-${process.platform}-${process.arch}@${version}`;
  mkdirSync(cache, { recursive: true });
  try {
    // npm's own message goes to the console only: it may name the registry or this machine's paths
    execFileSync('npm', ['pack', spec, '--pack-destination', cache, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 180_000,
    });
  } catch (error) {
    const how = error.status != null ? `exit ${error.status}` : (error.code ?? 'timed out');
    throw new Error(`npm pack ${spec} failed (${how})`);
  }
  const tarball = readdirSync(cache).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack ${spec} wrote no tarball`);
  execFileSync('tar', ['xzf', join(cache, tarball), '-C', cache], { stdio: 'ignore' });
  if (!existsSync(binary)) throw new Error(`${spec} holds no package/bin/node`);
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const major = Number(process.argv[2]);
  try {
    console.log(nodeBinary(major));
  } catch (error) {
    console.error(`node-binary: Node ${major}: ${error.message}`);
    process.exit(1);
  }
}
