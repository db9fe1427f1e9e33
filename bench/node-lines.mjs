/* global process, console */
// The Node versions every budget is measured on, side by side in bench/RESULTS.md:
// the machine's Node 20, whose results stay in bench/results/, and Node 24, in
// bench/results/node24/. A line runs the vitest micro-benchmarks (bench/micro.mjs)
// and the HTTP load (bench/http.mjs) on its Node; a part that cannot run leaves
// its result file saying why, so the report shows "not run" with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentMajor, nodeBinary } from '../scripts/node-binary.mjs';

export const NODE_LINES = [20, 24];
const here = dirname(fileURLToPath(import.meta.url));
const results = join(here, 'results');

/** A line's result files: bench/results for the first line, bench/results/node<major> for another. */
export function resultsDir(major = currentMajor()) {
  return major === NODE_LINES[0] ? results : join(results, `node${major}`);
}

/**
 * The lines asked for: `--node 24`, `--node=20,24` or ZRM_BENCH_NODE=24; every
 * line when none is named. Returns the lines and the arguments left over.
 */
export function selectLines(args) {
  const rest = [];
  let value = process.env.ZRM_BENCH_NODE;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--node') value = args[++i];
    else if (args[i].startsWith('--node=')) value = args[i].slice('--node='.length);
    else rest.push(args[i]);
  }
  if (!value) return { lines: NODE_LINES, rest };
  const lines = value.split(',').map(Number);
  const unknown = lines.find((major) => !NODE_LINES.includes(major));
  if (unknown !== undefined)
    throw new Error(`--node ${value}: the lines are ${NODE_LINES.join(', ')}`);
  return { lines, rest };
}

/** Runs one line's parts on its Node; a part's old result file is removed first, so what is left is this run's. */
export function runLine(major, { microArgs = [], httpArgs = [] } = {}) {
  const dir = resultsDir(major);
  mkdirSync(dir, { recursive: true });
  let binary;
  let unavailable;
  try {
    binary = nodeBinary(major);
  } catch (error) {
    unavailable = error.message;
    console.error(`\n✖ Node ${major}: not run (${unavailable})`);
  }
  const parts = [
    ['micro.mjs', 'latest.json', microArgs],
    ['http.mjs', 'http.json', httpArgs],
  ];
  for (const [script, file, args] of parts) {
    const out = join(dir, file);
    rmSync(out, { force: true });
    let reason = unavailable;
    if (binary !== undefined) {
      console.log(`\n▶ Node ${major}: bench/${script}`);
      const started = Date.now();
      const r = spawnSync(binary, [join(here, script), ...args], {
        cwd: join(here, '..'),
        stdio: 'inherit',
      });
      console.log(
        `  Node ${major}: bench/${script} took ${Math.round((Date.now() - started) / 1000)} s`,
      );
      if (existsSync(out)) continue;
      reason = `bench/${script} exited ${r.status ?? r.signal ?? r.error?.code}`;
      console.error(`  Node ${major}: bench/${script} failed: its rows say "not run"`);
    }
    writeFileSync(
      out,
      `${JSON.stringify({ date: new Date().toISOString(), notRun: reason }, null, 2)}\n`,
    );
  }
}
