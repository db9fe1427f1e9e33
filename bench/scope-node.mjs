#!/usr/bin/env node
/* global process, console */
// Runs bench/scope-cost.mjs on this Node (20) and on Node 22 (scripts/node-binary.mjs),
// alternating runs, and writes bench/results/scope-node.json for bench/report.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from '../scripts/node-binary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'scope-cost.mjs');
let node22;
let unavailable;
try {
  node22 = nodeBinary(22);
} catch (error) {
  unavailable = error.message;
  console.error(`scope-node: Node 22 not run (${unavailable})`);
}
const binaries = [process.execPath, ...(node22 ? [node22] : [])];
const runs = Object.fromEntries(binaries.map((b) => [b, []]));
for (let i = 0; i < 3; i++) {
  for (const binary of binaries) {
    runs[binary].push(JSON.parse(execFileSync(binary, [script, '9'], { encoding: 'utf8' })));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = binaries.map((binary) => {
  const list = runs[binary];
  const names = Object.keys(list[0].nsPerOp);
  return {
    node: list[0].node,
    nsPerOp: Object.fromEntries(names.map((n) => [n, median(list.map((r) => r.nsPerOp[n]))])),
  };
});
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'scope-node.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node22: node22 ? 'found' : `not run: ${unavailable}`, results }, null, 2)}\n`,
);
for (const r of results) console.log(r.node, JSON.stringify(r.nsPerOp));
