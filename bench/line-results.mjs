// One Node line's result files (bench/node-lines.mjs), read for bench/report.mjs:
// each part (micro-benchmarks, HTTP, soak) holds its figures or the reason it was not run.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultsDir } from './node-lines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** vitest groups by name; `name #n` rows (interleaved rounds) merged into one figure. */
function microGroups(vitest) {
  const groups = new Map();
  for (const file of vitest.files ?? []) {
    for (const group of file.groups) {
      // a bench outside any describe block is grouped under its file's name
      const name = group.fullName.split(' > ').slice(1).join(' > ') || file.filepath;
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
      groups.set(name, { file: file.filepath, benchmarks });
    }
  }
  return groups;
}

/** A part: `{ data, date }`, or `{ notRun }` with the reason (its file missing or saying why). */
function part(dir, file, read = (json) => json) {
  const json = readJson(join(dir, file));
  if (json === undefined) return { notRun: `no ${relative(root, join(dir, file))}` };
  if (json.notRun !== undefined) return { notRun: json.notRun, date: json.date };
  return { data: read(json), date: json.date, node: json.node, error: json.error };
}

/** Everything one line's last runs left in its results directory. */
export function readLine(major) {
  const dir = resultsDir(major);
  const micro = part(dir, 'latest.json', microGroups);
  const http = part(dir, 'http.json');
  const soak = part(dir, 'soak.json');
  return { major, node: micro.node ?? http.node ?? soak.node, micro, http, soak };
}
