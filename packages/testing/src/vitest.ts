import { expect } from 'vitest';
import { describeHits } from './describe-hits.js';
import { findCanaries } from './find-canaries.js';
import type { Canary, Haystack } from './types.js';

function labels(canaries: Canary | readonly Canary[]): string {
  const list = (Array.isArray(canaries) ? canaries : [canaries]) as readonly Canary[];
  return list.map((c) => c.label).join(', ');
}

/** The matchers, for `expect.extend(canaryMatchers)`. */
export const canaryMatchers = {
  toContainNoCanary(received: unknown, canaries: Canary | readonly Canary[]) {
    const hits = findCanaries(received as Haystack, canaries);
    return {
      pass: hits.length === 0,
      message: () =>
        hits.length === 0
          ? `expected the sink to contain a canary (${labels(canaries)}), found none`
          : `expected the sink to contain no canary, found ${hits.length}:\n${describeHits(hits)}`,
    };
  },
  toContainCanary(received: unknown, canaries: Canary | readonly Canary[]) {
    const list = (Array.isArray(canaries) ? canaries : [canaries]) as readonly Canary[];
    const hits = findCanaries(received as Haystack, list);
    const missing = list.filter((canary) => !hits.some((hit) => hit.canary === canary));
    return {
      pass: missing.length === 0,
      message: () =>
        missing.length === 0
          ? `expected the sink not to contain the canaries (${labels(list)}), found:\n${describeHits(hits)}`
          : `expected the sink to contain every canary; missing: ${labels(missing)}`,
    };
  },
};

/** Adds `toContainNoCanary` and `toContainCanary` to vitest's `expect` (done on import too). */
export function setupCanaryMatchers(
  target: { extend(matchers: typeof canaryMatchers): void } = expect,
): void {
  target.extend(canaryMatchers);
}

setupCanaryMatchers();

interface CanaryMatchers<R = unknown> {
  /** Passes when no canary (in any spelling, or a fragment) is in the sink. */
  toContainNoCanary(canaries: Canary | readonly Canary[]): R;
  /** Passes when every canary is in the sink (in some spelling). */
  toContainCanary(canaries: Canary | readonly Canary[]): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends CanaryMatchers<T> {}
}
