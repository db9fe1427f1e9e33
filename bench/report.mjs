#!/usr/bin/env node
/* global process, console */
// `pnpm bench` after the build: runs each Node line (bench/node-lines.mjs: the
// vitest micro-benchmarks and the HTTP load on Node 20, then on Node 24), the
// scope on Node 20 vs 22 (bench/scope-node.mjs), then writes bench/RESULTS.md
// from every result file: machine and versions, every budget met/missed on each
// Node side by side, every figure as a median with its spread, and
// bench/FINDINGS.md (profiles of missed budgets).
//
//   node bench/report.mjs [--node 20|24|20,24] [--no-run] [--quick] [--json] [vitest args]
//   --node    run only these lines (ZRM_BENCH_NODE); the others' last results are kept and shown
//   --no-run  only rewrite RESULTS.md from the result files already there
//   --quick   one short round of HTTP load (a smoke run; figures are not budget-grade)
//   --json    also print the summary (bench/results/summary.json) on stdout
//   any other argument goes to vitest (e.g. bench/pino.bench.ts)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgets } from './budgets.mjs';
import { judge, limitOf, µs } from './judge.mjs';
import { readJson, readLine } from './line-results.mjs';
import { NODE_LINES, resultsDir, runLine, selectLines } from './node-lines.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const OWN = ['--no-run', '--quick', '--json'];
const { lines: selected, rest } = (() => {
  try {
    return selectLines(process.argv.slice(2));
  } catch (error) {
    console.error(`report: ${error.message}`);
    process.exit(2);
  }
})();
const flag = (name) =>
  rest.includes(name) ||
  process.env[`ZRM_BENCH_${name.slice(2).toUpperCase().replace('-', '_')}`] === '1';
const vitestArgs = rest.filter((arg) => !OWN.includes(arg));
const resultFile = (name) => join(here, 'results', name);

if (!flag('--no-run')) {
  for (const major of selected)
    runLine(major, { microArgs: vitestArgs, httpArgs: flag('--quick') ? ['--quick'] : [] });
  // the scope comparison is the first line's Node against Node 22
  if (selected.includes(NODE_LINES[0])) {
    console.log('\n▶ bench/scope-node.mjs');
    const r = spawnSync(process.execPath, [join(here, 'scope-node.mjs')], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status !== 0)
      console.error(`  bench/scope-node.mjs failed (exit ${r.status ?? r.signal}): not run`);
  }
}

// ---- inputs ---------------------------------------------------------------
const lines = NODE_LINES.map(readLine);
const label = (line) => `Node ${line.major}`;
const scopeNode = readJson(resultFile('scope-node.json'));

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
const spread = (xs) => (xs.length > 1 ? `${µs(Math.min(...xs))}–${µs(Math.max(...xs))}` : '–');
const when = (p) =>
  p.notRun
    ? `not run: ${p.notRun}`
    : p.date
      ? p.date.slice(0, 16).replace('T', ' ')
      : 'date not recorded';

// ---- budgets --------------------------------------------------------------
const rows = budgets.map((b) => ({
  what: b.what,
  kind: b.kind ?? 'ratio',
  limit: limitOf(b),
  lines: Object.fromEntries(lines.map((line) => [line.major, judge(b, line)])),
}));
const counts = lines.map((line) => {
  const cells = rows.map((r) => r.lines[line.major]);
  const met = cells.filter((c) => c.met === true).length;
  const missed = cells.filter((c) => c.met === false).length;
  return `${label(line)}: ${met} met, ${missed} missed, ${cells.length - met - missed} not run`;
});

// ---- RESULTS.md -----------------------------------------------------------
const out = [];
out.push('# Benchmark results', '');
out.push(
  'Written by `pnpm bench` (bench/report.mjs) from the last run of each Node line; do not edit by hand (the analysis comes from bench/FINDINGS.md).',
  '',
);
out.push('## Machine', '');
out.push(
  `- CPU: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}; load average at report time ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
out.push(`- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
out.push(`- OS: ${os.type()} ${os.release()} (${os.arch()})`);
out.push(
  `- Packages: vitest ${version('.', 'vitest')}, autocannon ${version('.', 'autocannon')}, pino ${version('packages/pino', 'pino')}, @pinojs/redact ${version('.', '@pinojs/redact')}, express ${version('packages/express', 'express')}, fastify ${version('packages/fastify', 'fastify')}, @opentelemetry/sdk-trace-base ${version('packages/otel', '@opentelemetry/sdk-trace-base')}, @electric-sql/pglite ${version('packages/history', '@electric-sql/pglite')}, typescript ${version('.', 'typescript')}`,
);
out.push(`- Report written: ${new Date().toISOString()}`, '');

out.push('## Node lines', '');
out.push(
  'Every budget is measured on each line; a line can be re-run alone (`pnpm bench --node 24`), the other keeping its last results.',
  '',
);
out.push('| line | Node | micro-benchmarks | HTTP | soak |', '| --- | --- | --- | --- | --- |');
for (const line of lines) {
  const micro = `${when(line.micro)}${line.micro.error ? ` (${line.micro.error})` : ''}`;
  out.push(
    `| ${label(line)} | ${line.node ?? '–'} | ${micro} | ${when(line.http)} | ${when(line.soak)} |`,
  );
}
out.push('');

out.push('## Budgets', '');
out.push(
  'Micro-benchmarks: medians (of the per-round medians of interleaved rounds). HTTP: median req/s of interleaved autocannon rounds. Each verdict compares two cases of one run on one Node.',
  '',
);
const header = lines.map(label);
out.push(
  `| budget | limit | ${header.join(' | ')} | ${header.map((h) => `${h}: subject / baseline`).join(' | ')} |`,
);
out.push(`| --- | --- | ${[...header, ...header].map(() => '---').join(' | ')} |`);
for (const r of rows) {
  const cells = lines.map((line) => r.lines[line.major]);
  const verdicts = cells.map((c) =>
    c.value === undefined ? c.verdict : `${c.verdict} (${c.value})`,
  );
  const figures = cells.map((c) => c.figures ?? '–');
  out.push(`| ${r.what} | ${r.limit} | ${verdicts.join(' | ')} | ${figures.join(' | ')} |`);
}
out.push('', `${counts.join('. ')}.`, '');

const findings = join(here, 'FINDINGS.md');
if (existsSync(findings)) {
  out.push(
    readFileSync(findings, 'utf8')
      .trim()
      .replace(/^# .*\n/, '## Why budgets are missed (profiles)\n'),
    '',
  );
}

out.push('## Soak', '');
for (const line of lines) {
  out.push(`### ${label(line)}`, '');
  if (line.soak.notRun) {
    const command = line.major === NODE_LINES[0] ? 'pnpm soak' : `pnpm soak --node ${line.major}`;
    out.push(
      `Not run: ${line.soak.notRun} (\`${command}\`; the CI form is test/soak.test.ts).`,
      '',
    );
    continue;
  }
  const soak = line.soak.data;
  out.push(
    `\`bench/soak.mjs\` on ${soak.node}, ${soak.date}: ${soak.requests.toLocaleString('en-US')} text-to-speech requests through the example voice API (${soak.framework}; pino + OpenTelemetry SDK with OTLP export + history), ${soak.zrmRequests.toLocaleString('en-US')} of them ZRM, concurrency ${soak.concurrency}, ${soak.requestsPerSecond.toFixed(1)} req/s.`,
    '',
  );
  out.push('| check | result |', '| --- | --- |');
  out.push(
    `| quiet heap after GC, end − baseline | ${(soak.heapGrowthBytes / 2 ** 20).toFixed(2)} MiB (tolerance ${(soak.toleranceBytes / 2 ** 20).toFixed(2)} MiB) |`,
  );
  out.push(
    `| heap slope over all samples | ${soak.heapSlopeBytesPerRequest.toFixed(1)} bytes/request |`,
  );
  out.push(`| \`inFlightTaintCount()\` after the grace period | ${soak.taintAfterGrace} |`);
  out.push(
    `| ZRM canary in a heap snapshot of the serving process | ${soak.found.zrm ? 'FOUND' : 'not found'} (control string ${soak.found.control ? 'found' : 'NOT found'}) |`,
  );
  out.push(
    `| ZRM canaries in the service log / ordinary canaries | ${soak.logged.zrm} / ${soak.logged.ordinary} |`,
  );
  if (soak.retainedBy) out.push('', 'Retained by:', '', '```', soak.retainedBy, '```');
  out.push(
    '',
    '| sample | requests | heap MiB | external MiB | taint |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const s of soak.samples) {
    out.push(
      `| ${s.label} | ${s.requests.toLocaleString('en-US')} | ${(s.heapUsed / 2 ** 20).toFixed(1)} | ${(s.external / 2 ** 20).toFixed(1)} | ${s.taint} |`,
    );
  }
  out.push('');
}

out.push('## Request scope: Node 20 vs Node 22', '');
if (scopeNode?.results?.length) {
  const [a, b] = scopeNode.results;
  out.push(
    'bench/scope-cost.mjs, nanoseconds per operation (median of interleaved rounds, 3 alternating runs per Node).',
    '',
  );
  out.push(`| operation | ${a.node} | ${b ? `${b.node} | 22 / 20` : 'Node 22 | –'} |`);
  out.push('| --- | --- | --- | --- |');
  for (const [name, ns] of Object.entries(a.nsPerOp)) {
    const other = b?.nsPerOp[name];
    out.push(
      `| ${name} | ${ns.toFixed(0)} | ${other === undefined ? 'not run | –' : `${other.toFixed(0)} | ${(other / ns).toFixed(2)}`} |`,
    );
  }
  if (!b) out.push('', `Node 22: ${scopeNode.node22}.`);
} else {
  out.push('Not run: no bench/results/scope-node.json.');
}
out.push('');

/** Group names in the order the lines list them, each once. */
const groupNames = (names) => [...new Set(lines.flatMap(names))];

out.push('## HTTP throughput (autocannon)', '');
out.push(
  'autocannon in the bench process, each server in its own process on the same Node. Rows: each case on each Node line.',
  '',
);
for (const line of lines) {
  const http = line.http.data;
  out.push(
    http
      ? `- ${label(line)} (${http.node}, ${when(line.http)}): ${http.connections} connections, ${http.rounds} interleaved rounds of ${http.duration} s (full stack: ${http.stackDuration} s) per case.`
      : `- ${label(line)}: not run: ${line.http.notRun}.`,
  );
}
out.push('');
for (const name of groupNames((line) => line.http.data?.groups.map((g) => g.name) ?? [])) {
  out.push(`### ${name}`, '');
  const found = lines.map((line) => line.http.data?.groups.find((g) => g.name === name));
  const cases = [...new Set(found.flatMap((g) => g?.cases.map((c) => c.name) ?? []))];
  if (cases.length > 0) {
    out.push(
      '| case | Node | median req/s | rounds (req/s) | median latency p50 ms | non-2xx |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const caseName of cases) {
      for (const [i, line] of lines.entries()) {
        const c = found[i]?.cases.find((x) => x.name === caseName);
        if (c === undefined) continue;
        out.push(
          `| ${caseName} | ${line.major} | ${c.median.toFixed(0)} | ${c.rps.map((x) => x.toFixed(0)).join(', ')} | ${c.latencyP50} | ${c.non2xx} |`,
        );
      }
    }
    out.push('');
  }
  for (const [i, line] of lines.entries()) {
    if (line.http.notRun) continue;
    if (found[i] === undefined) out.push(`${label(line)}: not in the last HTTP run.`, '');
    else if (found[i].error) out.push(`${label(line)}: not run: ${found[i].error}`, '');
  }
}

out.push('## Micro-benchmarks', '');
out.push(
  'Times per operation in microseconds. median: median of the round medians; rounds: range of the round medians; ± is the relative margin of error (95 %). Rows: each case on each Node line.',
  '',
);
for (const line of lines)
  if (line.micro.notRun) out.push(`- ${label(line)}: not run: ${line.micro.notRun}.`);
out.push('');
for (const name of groupNames((line) => [...(line.micro.data?.keys() ?? [])])) {
  const found = lines.map((line) => line.micro.data?.get(name));
  out.push(`### ${name}`, '', `From \`${found.find(Boolean).file}\`.`, '');
  out.push(
    '| case | Node | median µs | rounds µs | mean µs | p99 µs | ± | ops/s (median) | samples |',
  );
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const cases = [...new Set(found.flatMap((g) => g?.benchmarks.map((b) => b.name) ?? []))];
  for (const caseName of cases) {
    for (const [i, line] of lines.entries()) {
      const b = found[i]?.benchmarks.find((x) => x.name === caseName);
      if (b === undefined) continue;
      out.push(
        `| ${caseName} | ${line.major} | ${µs(b.median)} | ${spread(b.roundMedians)} | ${µs(b.mean)} | ${µs(b.p99)} | ${b.rme.toFixed(1)} % | ${Math.round(b.hz).toLocaleString('en-US')} | ${b.samples} |`,
      );
    }
  }
  out.push('');
  for (const [i, line] of lines.entries())
    if (!line.micro.notRun && found[i] === undefined)
      out.push(`${label(line)}: not in the last micro-benchmark run.`, '');
}

// formatted as the repository's `prettier --check .` expects
const resultsMd = join(here, 'RESULTS.md');
let text = `${out.join('\n')}\n`;
try {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(resultsMd)) ?? {};
  text = await prettier.format(text, { ...config, filepath: resultsMd });
} catch {
  // prettier missing: the unformatted table is still correct
}
writeFileSync(resultsMd, text);

const summary = {
  date: new Date().toISOString(),
  budgets: rows,
  lines: Object.fromEntries(
    lines.map((line) => [
      line.major,
      {
        node: line.node ?? null,
        micro: line.micro.notRun
          ? { notRun: line.micro.notRun }
          : Object.fromEntries(
              [...line.micro.data].map(([n, g]) => [
                n,
                Object.fromEntries(
                  g.benchmarks.map((b) => [
                    b.name,
                    {
                      medianUs: b.median * 1000,
                      roundMediansUs: b.roundMedians.map((x) => x * 1000),
                    },
                  ]),
                ),
              ]),
            ),
        http: line.http.data ?? { notRun: line.http.notRun },
        soak: line.soak.data
          ? { ...line.soak.data, samples: undefined }
          : { notRun: line.soak.notRun },
      },
    ]),
  ),
  scopeNode: scopeNode ?? null,
};
mkdirSync(resultsDir(NODE_LINES[0]), { recursive: true });
writeFileSync(resultFile('summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
if (flag('--json')) console.log(JSON.stringify(summary));
console.log(`bench/RESULTS.md written: ${counts.join('; ')}`);
// a missed budget is reported, not a failure; a part that could not run is said again last
for (const line of lines) {
  if (flag('--no-run') || !selected.includes(line.major)) continue;
  for (const [what, p] of [
    ['micro-benchmarks', line.micro],
    ['HTTP', line.http],
  ])
    if (p.notRun) console.error(`✖ ${label(line)}: ${what} not run: ${p.notRun}`);
}
