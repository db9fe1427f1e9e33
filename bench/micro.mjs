#!/usr/bin/env node
/* global process, console */
// The vitest micro-benchmarks (bench/**/*.bench.ts) on the Node running this
// script, which vitest's workers inherit. Writes latest.json into the line's
// results (bench/node-lines.mjs): vitest's JSON, stamped with the Node version
// and the date, benchmark files named relative to the repository.
//   node bench/micro.mjs [vitest args, e.g. bench/pino.bench.ts]
// Given benchmark files, only those files' results are replaced in latest.json
// (each file keeps the date it was measured); the other files' stay.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultsDir } from './node-lines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(resultsDir(), 'latest.json');
mkdirSync(dirname(out), { recursive: true });
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = ['bench', '--run', '--config', 'bench/vitest.config.ts', '--outputJson', out];
const run = spawnSync(process.execPath, [vitest, ...args, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
if (!existsSync(out)) {
  console.error(`micro: vitest wrote no results (exit ${run.status ?? run.signal})`);
  process.exit(run.status || 1);
}
// vitest writes absolute file paths: the committed results name files relative to the repository
const prefix = JSON.stringify(`${root}/`).slice(1, -1);
const results = JSON.parse(readFileSync(out, 'utf8').split(prefix).join(''));
const date = new Date().toISOString();
const files = results.files.map((file) => ({ ...file, date }));
const only = process.argv.slice(2).some((arg) => arg.endsWith('.bench.ts'));
if (only && previous !== undefined && previous.node === process.version) {
  const measured = new Set(files.map((file) => file.filepath));
  files.push(...previous.files.filter((file) => !measured.has(file.filepath)));
  files.sort((a, b) => a.filepath.localeCompare(b.filepath));
}
const stamped = {
  node: process.version,
  date,
  ...(run.status === 0 ? {} : { error: `vitest exited ${run.status ?? run.signal}` }),
  ...results,
  files,
};
writeFileSync(out, `${JSON.stringify(stamped, null, 2)}\n`);
console.log(`${relative(root, out)} written`);
process.exit(run.status ?? 1);
