import { bench } from 'vitest';

export type BenchCase = readonly [name: string, fn: () => void];

/** Rounds per case; bench/report.mjs merges `name #n` rows into one figure (median of the round medians). */
export const ROUNDS = 3;

/** Milliseconds each case runs per round; ZRM_BENCH_TIME shortens it for a smoke run. */
const TIME = Number(process.env.ZRM_BENCH_TIME) || 300;

export interface GroupOptions {
  /** Runs before each case's warm-up and before its measured run (e.g. opening in-flight ZRM requests). */
  setup?: () => void;
  /** Runs after each; undoes `setup`. */
  teardown?: () => void;
}

/**
 * Registers every case `ROUNDS` times, in turn (A #1, B #1, A #2, B #2, …), so
 * that cases compared in a budget share the machine's load: on a shared, noisy
 * machine a case measured alone can land on a quiet or a busy second.
 */
export function interleaved(cases: readonly BenchCase[], options: GroupOptions = {}): void {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, fn] of cases)
      bench(`${name} #${round}`, fn, { time: TIME, warmupTime: 50, ...options });
  }
}
