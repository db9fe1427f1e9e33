// A budget (bench/budgets.mjs) judged on one Node line's results (bench/line-results.mjs).

export const µs = (ms) => (ms * 1000).toFixed(ms * 1000 < 10 ? 3 : 1);
export const pct = (x) => `${(x * 100).toFixed(0)} %`;
/** How far over a ratio limit: a tenth of a percent below 1 %, so "missed by 0 %" is never printed. */
const over = (x) => `${(x * 100).toFixed(x < 0.01 ? 1 : 0)} %`;
const MiB = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/** The budget's limit, the same on every line. */
export function limitOf(budget) {
  switch (budget.kind ?? 'ratio') {
    case 'ratio':
      return `≤ ${budget.max}`;
    case 'added-us':
      return `≤ ${budget.max} µs added`;
    case 'rps':
      return `≥ ${pct(budget.min)}`;
    default:
      return '≤ 2 MiB + 2 KiB/request';
  }
}

const notRun = (reason) => ({ verdict: `not run: ${reason}` });

/** `{ verdict, value?, figures?, met? }`: met is true/false when measured, absent when not run. */
export function judge(budget, line) {
  const kind = budget.kind ?? 'ratio';
  if (kind === 'ratio' || kind === 'added-us') {
    if (line.micro.notRun) return notRun(line.micro.notRun);
    const group = line.micro.data.get(budget.group);
    const s = group?.benchmarks.find((x) => x.name === budget.subject);
    const base = group?.benchmarks.find((x) => x.name === budget.baseline);
    if (!s || !base) return notRun('not in the last micro-benchmark run');
    const figures = `${µs(s.median)} µs / ${µs(base.median)} µs`;
    if (kind === 'ratio') {
      const ratio = s.median / base.median;
      const met = ratio <= budget.max;
      const verdict = met ? 'met' : `missed by ${over(ratio / budget.max - 1)}`;
      return { figures, value: ratio.toFixed(2), met, verdict };
    }
    const added = (s.median - base.median) * 1000;
    const met = added <= budget.max;
    const verdict = met ? 'met' : `missed by ${(added - budget.max).toFixed(2)} µs`;
    return { figures, value: `${added.toFixed(3)} µs`, met, verdict };
  }
  if (kind === 'rps') {
    if (line.http.notRun) return notRun(line.http.notRun);
    const group = line.http.data.groups.find((g) => g.name === budget.group);
    if (group?.error) return notRun(group.error);
    const s = group?.cases.find((c) => c.name === budget.subject);
    const base = group?.cases.find((c) => c.name === budget.baseline);
    if (!s || !base || !(base.median > 0)) return notRun('not in the last HTTP run');
    const ratio = s.median / base.median;
    const met = ratio >= budget.min && s.non2xx === 0;
    const verdict =
      s.non2xx > 0
        ? `${s.non2xx} non-2xx answers`
        : met
          ? 'met'
          : `missed by ${((budget.min - ratio) * 100).toFixed(0)} points`;
    const figures = `${s.median.toFixed(0)} / ${base.median.toFixed(0)} req/s`;
    return { figures, value: pct(ratio), met, verdict };
  }
  if (line.soak.notRun) return notRun(line.soak.notRun);
  const soak = line.soak.data;
  const met = soak.checks.heapFlat;
  return {
    figures: `${soak.requests.toLocaleString('en-US')} requests (${soak.zrmRequests.toLocaleString('en-US')} ZRM), ${soak.date.slice(0, 16)}; limit ${MiB(soak.toleranceBytes)}`,
    value: MiB(soak.heapGrowthBytes),
    met,
    verdict: met ? 'met' : `missed by ${MiB(soak.heapGrowthBytes - soak.toleranceBytes)}`,
  };
}
