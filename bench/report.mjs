#!/usr/bin/env node
/* global process, console */
// Last step of `pnpm bench`: runs the benchmarks vitest cannot (HTTP load with
// autocannon from a second process, bench/http.mjs; the scope on Node 20 vs 22,
// bench/scope-node.mjs), then writes bench/RESULTS.md from every result file:
// machine and versions, every budget with met/missed, every figure as a median
// with its spread, and bench/FINDINGS.md (profiles of missed budgets).
//
//   node bench/report.mjs [vitest.json] [--no-run] [--quick] [--json]
//   --no-run  only rewrite RESULTS.md from the result files already there
//   --quick   one short round of HTTP load (a smoke run; figures are not budget-grade)
//   --json    also print the summary (bench/results/summary.json) on stdout
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgets } from './budgets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const flag = (name) =>
  args.includes(name) ||
  process.env[`ZRM_BENCH_${name.slice(2).toUpperCase().replace('-', '_')}`] === '1';
const input = args.find((a) => !a.startsWith('--')) ?? join(here, 'results', 'latest.json');
const resultFile = (name) => join(here, 'results', name);
const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

// vitest writes absolute file paths: the committed results name files relative to the repository
{
  const raw = existsSync(input) ? readFileSync(input, 'utf8') : undefined;
  const prefix = JSON.stringify(`${root}/`).slice(1, -1);
  if (raw?.includes(prefix)) writeFileSync(input, raw.split(prefix).join(''));
}

if (!flag('--no-run')) {
  const run = (script, extra = []) => {
    console.log(`\n▶ bench/${script}`);
    const r = spawnSync(process.execPath, [join(here, script), ...extra], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status !== 0)
      console.error(
        `  bench/${script} failed (exit ${r.status ?? r.signal}): its rows say "not run"`,
      );
  };
  run('http.mjs', flag('--quick') ? ['--quick'] : []);
  run('scope-node.mjs');
}

// ---- inputs ---------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** vitest groups; `name #n` rows (interleaved rounds) merged into one figure. */
const groups = new Map();
const vitest = readJson(input);
for (const file of vitest?.files ?? []) {
  for (const group of file.groups) {
    const name = group.fullName.split(' > ').slice(1).join(' > ');
    const merged = new Map();
    for (const b of group.benchmarks) {
      const base = b.name.replace(/ #\d+$/, '');
      if (!merged.has(base)) merged.set(base, []);
      merged.get(base).push(b);
    }
    const benchmarks = [...merged].map(([base, runs]) => ({
      name: base,
      rounds: runs.length,
      median: median(runs.map((r) => r.median)),
      roundMedians: runs.map((r) => r.median),
      mean: median(runs.map((r) => r.mean)),
      p99: median(runs.map((r) => r.p99)),
      rme: median(runs.map((r) => r.rme)),
      hz: (1 / median(runs.map((r) => r.median))) * 1000,
      samples: runs.reduce((s, r) => s + r.sampleCount, 0),
    }));
    groups.set(name, { file: relative(root, file.filepath), benchmarks });
  }
}
const http = readJson(resultFile('http.json'));
const scopeNode = readJson(resultFile('scope-node.json'));
const soak = readJson(resultFile('soak.json'));

const version = (dir, pkg) => {
  try {
    const direct = join(root, dir, 'node_modules', pkg, 'package.json');
    if (existsSync(direct)) return JSON.parse(readFileSync(direct, 'utf8')).version;
    const require = createRequire(join(root, dir, 'package.json'));
    return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
  } catch {
    return 'not installed';
  }
};
const µs = (ms) => (ms * 1000).toFixed(ms * 1000 < 10 ? 3 : 1);
const pct = (x) => `${(x * 100).toFixed(0)} %`;
const spread = (xs) => (xs.length > 1 ? `${µs(Math.min(...xs))}–${µs(Math.max(...xs))}` : '–');

// ---- budgets --------------------------------------------------------------
const rows = [];
for (const b of budgets) {
  const kind = b.kind ?? 'ratio';
  const row = { what: b.what, kind, verdict: 'not run' };
  if (kind === 'ratio' || kind === 'added-us') {
    const group = groups.get(b.group);
    const s = group?.benchmarks.find((x) => x.name === b.subject);
    const base = group?.benchmarks.find((x) => x.name === b.baseline);
    row.limit = kind === 'ratio' ? `≤ ${b.max}` : `≤ ${b.max} µs added`;
    if (s && base) {
      row.figures = `${µs(s.median)} µs / ${µs(base.median)} µs`;
      const value = kind === 'ratio' ? s.median / base.median : (s.median - base.median) * 1000;
      row.value = kind === 'ratio' ? value.toFixed(2) : `${value.toFixed(3)} µs`;
      row.met = value <= b.max;
      row.verdict = row.met
        ? 'met'
        : kind === 'ratio'
          ? `missed by ${pct(value / b.max - 1)}`
          : `missed by ${(value - b.max).toFixed(2)} µs`;
    }
  } else if (kind === 'rps') {
    const group = http?.groups.find((g) => g.name === b.group);
    const s = group?.cases.find((c) => c.name === b.subject);
    const base = group?.cases.find((c) => c.name === b.baseline);
    row.limit = `≥ ${pct(b.min)}`;
    if (s && base && base.median > 0) {
      const value = s.median / base.median;
      row.figures = `${s.median.toFixed(0)} / ${base.median.toFixed(0)} req/s`;
      row.value = pct(value);
      row.met = value >= b.min && s.non2xx === 0;
      row.verdict =
        s.non2xx > 0
          ? `${s.non2xx} non-2xx answers`
          : row.met
            ? 'met'
            : `missed by ${((b.min - value) * 100).toFixed(0)} points`;
    }
  } else if (kind === 'soak') {
    row.limit = soak
      ? `≤ ${(soak.toleranceBytes / 2 ** 20).toFixed(2)} MiB`
      : 'see test/soak.test.ts';
    if (soak) {
      row.figures = `${soak.requests.toLocaleString('en-US')} requests (${soak.zrmRequests.toLocaleString('en-US')} ZRM), ${soak.date.slice(0, 16)}`;
      row.value = `${(soak.heapGrowthBytes / 2 ** 20).toFixed(2)} MiB`;
      row.met = soak.checks.heapFlat;
      row.verdict = row.met
        ? 'met'
        : `missed by ${((soak.heapGrowthBytes - soak.toleranceBytes) / 2 ** 20).toFixed(2)} MiB`;
    }
  }
  rows.push(row);
}

// ---- RESULTS.md -----------------------------------------------------------
const lines = [];
lines.push('# Benchmark results', '');
lines.push(
  'Written by `pnpm bench` (bench/report.mjs) from one run; do not edit by hand (the analysis comes from bench/FINDINGS.md).',
  '',
);
lines.push('## Machine', '');
lines.push(
  `- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}; load average at report time ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
lines.push(`- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
lines.push(`- OS: ${os.type()} ${os.release()} (${os.arch()})`);
lines.push(
  `- Node: ${process.version}${scopeNode?.results?.[1] ? ` (and ${scopeNode.results[1].node} for the scope comparison)` : ''}`,
);
lines.push(
  `- Packages: vitest ${version('.', 'vitest')}, autocannon ${version('.', 'autocannon')}, pino ${version('packages/pino', 'pino')}, @pinojs/redact ${version('.', '@pinojs/redact')}, express ${version('packages/express', 'express')}, fastify ${version('packages/fastify', 'fastify')}, @opentelemetry/sdk-trace-base ${version('packages/otel', '@opentelemetry/sdk-trace-base')}, @electric-sql/pglite ${version('packages/history', '@electric-sql/pglite')}, typescript ${version('.', 'typescript')}`,
);
lines.push(`- Date: ${new Date().toISOString()}`, '');

lines.push('## Budgets', '');
lines.push(
  'Micro-benchmarks: medians (of the per-round medians of interleaved rounds). HTTP: median req/s of interleaved autocannon rounds.',
  '',
);
lines.push('| budget | subject / baseline | value | limit | verdict |');
lines.push('| --- | --- | --- | --- | --- |');
for (const r of rows)
  lines.push(
    `| ${r.what} | ${r.figures ?? 'not measured in this run'} | ${r.value ?? '–'} | ${r.limit ?? '–'} | ${r.verdict} |`,
  );
const met = rows.filter((r) => r.met === true).length;
const missed = rows.filter((r) => r.met === false).length;
lines.push('', `${met} met, ${missed} missed, ${rows.length - met - missed} not run.`, '');

const findings = join(here, 'FINDINGS.md');
if (existsSync(findings)) {
  lines.push(
    readFileSync(findings, 'utf8')
      .trim()
      .replace(/^# .*\n/, '## Why budgets are missed (profiles)\n'),
    '',
  );
}

lines.push('## Soak', '');
if (soak) {
  lines.push(
    `\`pnpm soak\` (bench/soak.mjs), ${soak.date}: ${soak.requests.toLocaleString('en-US')} text-to-speech requests through the example voice API (${soak.framework}; pino + OpenTelemetry SDK with OTLP export + history), ${soak.zrmRequests.toLocaleString('en-US')} of them ZRM, concurrency ${soak.concurrency}, ${soak.requestsPerSecond.toFixed(1)} req/s.`,
    '',
  );
  lines.push('| check | result |', '| --- | --- |');
  lines.push(
    `| quiet heap after GC, end − baseline | ${(soak.heapGrowthBytes / 2 ** 20).toFixed(2)} MiB (tolerance ${(soak.toleranceBytes / 2 ** 20).toFixed(2)} MiB) |`,
  );
  lines.push(
    `| heap slope over all samples | ${soak.heapSlopeBytesPerRequest.toFixed(1)} bytes/request |`,
  );
  lines.push(`| \`inFlightTaintCount()\` after the grace period | ${soak.taintAfterGrace} |`);
  lines.push(
    `| ZRM canary in a heap snapshot of the serving process | ${soak.found.zrm ? 'FOUND' : 'not found'} (control string ${soak.found.control ? 'found' : 'NOT found'}) |`,
  );
  lines.push(
    `| ZRM canaries in the service log / ordinary canaries | ${soak.logged.zrm} / ${soak.logged.ordinary} |`,
  );
  if (soak.retainedBy) lines.push('', 'Retained by:', '', '```', soak.retainedBy, '```');
  lines.push(
    '',
    '| sample | requests | heap MiB | external MiB | taint |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const s of soak.samples) {
    lines.push(
      `| ${s.label} | ${s.requests.toLocaleString('en-US')} | ${(s.heapUsed / 2 ** 20).toFixed(1)} | ${(s.external / 2 ** 20).toFixed(1)} | ${s.taint} |`,
    );
  }
} else {
  lines.push('No `bench/results/soak.json`: run `pnpm soak` (the CI form is test/soak.test.ts).');
}
lines.push('');

lines.push('## Request scope: Node 20 vs Node 22', '');
if (scopeNode?.results?.length) {
  const [a, b] = scopeNode.results;
  lines.push(
    'bench/scope-cost.mjs, nanoseconds per operation (median of interleaved rounds, 3 alternating runs per Node).',
    '',
  );
  lines.push(`| operation | ${a.node} | ${b ? `${b.node} | 22 / 20` : 'Node 22 | –'} |`);
  lines.push(`| --- | --- | ${b ? '--- | ---' : '--- | ---'} |`);
  for (const [name, ns] of Object.entries(a.nsPerOp)) {
    const other = b?.nsPerOp[name];
    lines.push(
      `| ${name} | ${ns.toFixed(0)} | ${other === undefined ? 'not run' : `${other.toFixed(0)} | ${(other / ns).toFixed(2)}`} |`,
    );
  }
  if (!b) lines.push('', `Node 22: ${scopeNode.node22} (bench/node22.mjs could not fetch it).`);
} else {
  lines.push('Not run in this run.');
}
lines.push('');

lines.push('## HTTP throughput (autocannon)', '');
if (http) {
  lines.push(
    `autocannon in the bench process, each server in its own process; ${http.connections} connections, ${http.rounds} interleaved rounds of ${http.duration} s (full stack: ${http.stackDuration} s) per case.`,
    '',
  );
  for (const g of http.groups) {
    lines.push(`### ${g.name}`, '');
    if (g.error) {
      lines.push(`Not run: ${g.error}`, '');
      continue;
    }
    lines.push(
      '| case | median req/s | rounds (req/s) | median latency p50 ms | non-2xx |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const c of g.cases) {
      lines.push(
        `| ${c.name} | ${c.median.toFixed(0)} | ${c.rps.map((x) => x.toFixed(0)).join(', ')} | ${c.latencyP50} | ${c.non2xx} |`,
      );
    }
    lines.push('');
  }
} else {
  lines.push('Not run in this run.', '');
}

lines.push('## Micro-benchmarks', '');
lines.push(
  'Times per operation in microseconds. median: median of the round medians; rounds: range of the round medians; ± is the relative margin of error (95 %).',
  '',
);
for (const [name, group] of groups) {
  lines.push(`### ${name}`, '', `From \`${group.file}\`.`, '');
  lines.push('| case | median µs | rounds µs | mean µs | p99 µs | ± | ops/s (median) | samples |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const b of group.benchmarks) {
    lines.push(
      `| ${b.name} | ${µs(b.median)} | ${spread(b.roundMedians)} | ${µs(b.mean)} | ${µs(b.p99)} | ${b.rme.toFixed(1)} % | ${Math.round(b.hz).toLocaleString('en-US')} | ${b.samples} |`,
    );
  }
  lines.push('');
}

// formatted as the repository's `prettier --check .` expects
const resultsFile = join(here, 'RESULTS.md');
let text = `${lines.join('\n')}\n`;
try {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(resultsFile)) ?? {};
  text = await prettier.format(text, { ...config, filepath: resultsFile });
} catch {
  // prettier missing: the unformatted table is still correct
}
writeFileSync(resultsFile, text);
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  budgets: rows,
  micro: Object.fromEntries(
    [...groups].map(([n, g]) => [
      n,
      Object.fromEntries(
        g.benchmarks.map((b) => [
          b.name,
          { medianUs: b.median * 1000, roundMediansUs: b.roundMedians.map((x) => x * 1000) },
        ]),
      ),
    ]),
  ),
  http: http ?? null,
  scopeNode: scopeNode ?? null,
  soak: soak ? { ...soak, samples: undefined } : null,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(resultFile('summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
if (flag('--json')) console.log(JSON.stringify(summary));
console.log(
  `bench/RESULTS.md written: ${met} met, ${missed} missed, ${rows.length - met - missed} not run`,
);
