import { bench } from 'vitest';

export type BenchCase = readonly [name: string, fn: () => void];

/** Rounds per case; bench/report.mjs merges `name #n` rows into one figure (median of the round medians). */
export const ROUNDS = 3;

/**
 * Registers every case `ROUNDS` times, in turn (A #1, B #1, A #2, B #2, …), so
 * that cases compared in a budget share the machine's load: on a shared, noisy
 * machine a case measured alone can land on a quiet or a busy second.
 */
export function interleaved(cases: readonly BenchCase[], time = 300): void {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, fn] of cases) bench(`${name} #${round}`, fn, { time, warmupTime: 50 });
  }
}
