import type { CanaryHit } from './types.js';

/** One line per hit: label, form and where — never the canary itself. */
export function describeHits(hits: readonly CanaryHit[]): string {
  return hits
    .map((hit) => `  ${hit.label} (${hit.form}) in ${hit.source} at ${hit.offset}`)
    .join('\n');
}
