#!/usr/bin/env node
/* global console, process */
// Long form of the soak (`pnpm soak`): by default 100,000 ZRM and 100,000
// ordinary requests through the example voice API (full stack, child process).
// Writes soak.json into its Node line's results (bench/node-lines.mjs; Node 20:
// bench/results/), read by bench/report.mjs, and exits 1 when the heap grew
// beyond the tolerance, taint was left registered, or a ZRM canary was found in
// the served process's heap snapshot.
//
//   node bench/soak.mjs [--requests N] [--framework express|fastify] [--concurrency N] [--json] [--node 24]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { currentMajor, nodeBinary } from '../scripts/node-binary.mjs';
import { resultsDir } from './node-lines.mjs';
import { runSoak } from './soak-lib.mjs';

const args = process.argv.slice(2);
const { values } = parseArgs({
  args,
  options: {
    node: { type: 'string' },
    requests: { type: 'string', default: '200000' },
    framework: { type: 'string', default: 'express' },
    concurrency: { type: 'string', default: '8' },
    phases: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
// --node 24: the same soak with this script and its server on that Node, written to that line's results
if (values.node !== undefined && Number(values.node) !== currentMajor()) {
  let binary;
  try {
    binary = nodeBinary(Number(values.node));
  } catch (error) {
    console.error(`soak: Node ${values.node}: ${error.message}`);
    process.exit(2);
  }
  const rest = args.filter(
    (a, i) => a !== '--node' && args[i - 1] !== '--node' && !a.startsWith('--node='),
  );
  const run = spawnSync(binary, [fileURLToPath(import.meta.url), ...rest], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const phases = Number(values.phases);
if (![requests, concurrency, phases].every((n) => Number.isInteger(n) && n > 0) || requests < 200) {
  console.error('soak: --requests (≥ 200), --concurrency and --phases must be positive integers');
  process.exit(2);
}
if (values.framework !== 'express' && values.framework !== 'fastify') {
  console.error('soak: --framework must be express or fastify');
  process.exit(2);
}

/** Same tolerance as the CI form (test/soak.test.ts): 2 MiB plus 2 KiB per measured request. */
const tolerance = (measured) => 2 * 2 ** 20 + 2 * 1024 * measured;
const log = values.json
  ? () => {}
  : (line) => console.log(`soak ${new Date().toISOString().slice(11, 19)} ${line}`);

const result = await runSoak({
  requests,
  phases,
  concurrency,
  framework: values.framework,
  progress: log,
});
const limit = tolerance(result.measuredRequests);
const checks = {
  allServed: (result.statuses['200'] ?? 0) === result.requests,
  heapFlat: result.heapGrowthBytes <= limit,
  taintReleased: result.taintAfterGrace === 0,
  searchWorks: result.found.control,
  noZrmCanaryRetained: !result.found.zrm,
  noZrmCanaryLogged: result.logged.zrm === 0,
  ordinaryLogged: result.logged.ordinary >= result.ordinaryRequests,
};
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  toleranceBytes: limit,
  checks,
  ...result,
};
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(resultsDir(), 'soak.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);

if (values.json) console.log(JSON.stringify(summary));
else {
  const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
  log(
    `${result.requests} requests (${result.zrmRequests} ZRM) in ${result.seconds.toFixed(0)} s, ${result.requestsPerSecond.toFixed(1)} req/s`,
  );
  log(
    `heap growth ${mib(result.heapGrowthBytes)} (tolerance ${mib(limit)}), slope ${result.heapSlopeBytesPerRequest.toFixed(1)} B/request; external growth ${mib(result.externalGrowthBytes)}`,
  );
  log(
    `taint after grace ${result.taintAfterGrace}; ZRM canary in heap: ${result.found.zrm ? 'FOUND' : 'no'}`,
  );
  if (result.retainedBy) log(`retained by:\n  ${result.retainedBy}`);
  for (const [name, ok] of Object.entries(checks)) log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  log(`written to ${relative(root, out)}`);
}
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
