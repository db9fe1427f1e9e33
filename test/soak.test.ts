// Short form of the soak (the long form is `pnpm soak`, bench/soak.mjs): the
// example voice API — pino, OpenTelemetry SDK with OTLP export, history,
// every zrm adapter — serves alternating ZRM and ordinary text-to-speech
// requests in a child process, each carrying a unique canary. Needs the
// packages and the example built (`pnpm build`, which `pnpm test` runs first).
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSoak, type SoakResult } from '../bench/soak-lib.mjs';

const REQUESTS = 400; // 100 warm-up + 300 measured, half ZRM
const WARMUP = 100;
/** Stated tolerance: quiet heap (after GC) may grow by 2 MiB plus 2 KiB per measured request. */
const TOLERANCE_BYTES = 2 * 2 ** 20 + 2 * 1024 * (REQUESTS - WARMUP);
const built = new URL('../examples/voice-api/dist/index.js', import.meta.url);

describe('soak: full example stack, half ZRM', () => {
  let result: SoakResult;

  beforeAll(async () => {
    if (!existsSync(built))
      throw new Error('build first: pnpm build (examples/voice-api/dist is missing)');
    result = await runSoak({ requests: REQUESTS, warmup: WARMUP, phases: 3, concurrency: 8 });
  }, 180_000);

  it('serves every ZRM and ordinary request with 200', () => {
    expect(result.statuses).toEqual({ 200: REQUESTS });
    expect(result.zrmRequests).toBe(REQUESTS / 2);
  });

  it('keeps the heap after GC flat: growth over the run stays within 2 MiB + 2 KiB per request', () => {
    const grew = `quiet heap grew ${(result.heapGrowthBytes / 2 ** 20).toFixed(2)} MiB`;
    expect(result.heapGrowthBytes, grew).toBeLessThanOrEqual(TOLERANCE_BYTES);
  });

  it('releases every registered taint after the grace period (inFlightTaintCount() is 0)', () => {
    expect(result.samples.some((s) => s.taint > 0)).toBe(true); // it did register content under load
    expect(result.taintAfterGrace).toBe(0);
  });

  it('finds a string the process keeps on purpose in its heap snapshot (the search works)', () => {
    expect(result.snapshotBytes).toBeGreaterThan(0);
    expect(result.found.control).toBe(true);
  });

  it('retains no ZRM canary in the heap of the serving process after the run', () => {
    expect(result.retainedBy ?? 'not retained').toBe('not retained');
    expect(result.found.zrm).toBe(false);
  });

  it('writes no ZRM canary to the service log, and every ordinary canary', () => {
    expect(result.logged.zrm).toBe(0);
    expect(result.logged.ordinary).toBeGreaterThanOrEqual(REQUESTS / 2);
  });
});
