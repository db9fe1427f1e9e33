#!/usr/bin/env node
// Turns vitest's benchmark JSON into bench/RESULTS.md: every figure with its
// spread, every budget with met/missed, and the machine it ran on.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgets } from './budgets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const input = process.argv[2] ?? join(here, 'results', 'latest.json');
const data = JSON.parse(readFileSync(input, 'utf8'));

const groups = new Map();
for (const file of data.files) {
  for (const group of file.groups) {
    const name = group.fullName.split(' > ').slice(1).join(' > ');
    groups.set(name, { file: relative(root, file.filepath), benchmarks: group.benchmarks });
  }
}

const µs = (ms) => (ms * 1000).toFixed(ms * 1000 < 10 ? 3 : 1);
const version = (pkg) => {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
};

const lines = [];
lines.push('# Benchmark results', '');
lines.push('Written by `pnpm bench` (bench/report.mjs) from one run; do not edit by hand.', '');
lines.push('## Machine', '');
lines.push(`- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`);
lines.push(`- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
lines.push(`- OS: ${os.type()} ${os.release()} (${os.arch()})`);
lines.push(`- Node: ${process.version}`);
lines.push(
  `- Packages: vitest ${version('vitest')}, @pinojs/redact ${version('@pinojs/redact')}, typescript ${version('typescript')}`,
);
lines.push(`- Date: ${new Date().toISOString()}`, '');

lines.push('## Budgets', '');
lines.push('| budget | subject / baseline (mean) | ratio | limit | verdict |');
lines.push('| --- | --- | --- | --- | --- |');
let missed = 0;
for (const b of budgets) {
  const group = groups.get(b.group);
  const subject = group?.benchmarks.find((x) => x.name === b.subject);
  const baseline = group?.benchmarks.find((x) => x.name === b.baseline);
  if (!subject || !baseline) {
    lines.push(`| ${b.what} | not measured in this run | – | ≤ ${b.max} | not run |`);
    continue;
  }
  const ratio = subject.mean / baseline.mean;
  const met = ratio <= b.max;
  if (!met) missed++;
  const verdict = met ? 'met' : `missed by ${((ratio / b.max - 1) * 100).toFixed(0)} %`;
  lines.push(
    `| ${b.what} | ${µs(subject.mean)} µs / ${µs(baseline.mean)} µs | ${ratio.toFixed(2)} | ≤ ${b.max} | ${verdict} |`,
  );
}
lines.push('');

lines.push('## Figures', '');
lines.push('Times per operation in microseconds; ± is the relative margin of error (95 %).', '');
for (const [name, group] of groups) {
  lines.push(`### ${name}`, '', `From \`${group.file}\`.`, '');
  lines.push('| case | median µs | mean µs | p99 µs | ± | ops/s | samples |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const b of group.benchmarks) {
    lines.push(
      `| ${b.name} | ${µs(b.median)} | ${µs(b.mean)} | ${µs(b.p99)} | ${b.rme.toFixed(1)} % | ${Math.round(b.hz).toLocaleString('en-US')} | ${b.sampleCount} |`,
    );
  }
  lines.push('');
}

writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));
console.log(`bench/RESULTS.md written: ${budgets.length - missed} of ${budgets.length} budgets met or not run`);
