import { randomUUID } from 'node:crypto';

/** A unique marker string: finding it in a sink proves that content reached it. */
export function canary(label: string): string {
  return `zrmcanary-${label}-${randomUUID()}`;
}

/** Every canary of `canaries` that occurs in `haystack`. */
export function findCanaries(haystack: string, canaries: readonly string[]): string[] {
  return canaries.filter((c) => haystack.includes(c));
}

/** JSON text of anything the SDK exported (spans are read through their public fields). */
export function dump(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
