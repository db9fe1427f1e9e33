#!/usr/bin/env node
/* global console */
// Removes the build outputs whose source is gone (dist/x.js, .d.ts and their
// maps after src/x.ts was moved or deleted): `tsc -b` never deletes them, and
// a stale file would be packed and published. Run before the build.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = /\.(?:js|d\.ts)(?:\.map)?$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

let removed = 0;
for (const group of ['packages', 'examples']) {
  for (const name of readdirSync(join(root, group))) {
    const dist = join(root, group, name, 'dist');
    const src = join(root, group, name, 'src');
    if (!existsSync(dist) || !existsSync(src)) continue;
    for (const file of files(dist)) {
      if (!OUTPUT.test(file)) continue;
      const stem = relative(dist, file).replace(OUTPUT, '');
      if (['.ts', '.mts', '.tsx'].some((ext) => existsSync(join(src, stem + ext)))) continue;
      rmSync(file);
      removed++;
    }
  }
}
if (removed > 0) console.log(`prune-dist: removed ${removed} build outputs whose source is gone`);
