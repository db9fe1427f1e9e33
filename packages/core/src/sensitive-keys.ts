import type { Policy } from './types.js';

const caches = new WeakMap<Policy, Map<string, boolean>>();
const CACHE_LIMIT = 10_000;

function lastWord(key: string): string {
  let end = key.length;
  while (end > 0 && /[._\-\s]/.test(key[end - 1] as string)) end--;
  let start = end - 1;
  while (start > 0) {
    const c = key[start - 1] as string;
    const cur = key[start] as string;
    if (/[._\-\s]/.test(c)) break;
    // camelCase boundary: a capital after a lower-case letter or digit
    if (cur >= 'A' && cur <= 'Z' && /[a-z0-9]/.test(c)) break;
    start--;
  }
  return key.slice(Math.max(0, start), end).toLowerCase();
}

/** Is the value under `key` content according to the policy? Full name or last word, case-insensitive. */
export function isSensitiveKey(key: string, policy: Policy): boolean {
  let cache = caches.get(policy);
  if (cache === undefined) {
    cache = new Map();
    caches.set(policy, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const keys = policy.sensitiveKeys;
  const sensitive = keys.has(key.toLowerCase()) || keys.has(lastWord(key));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, sensitive);
  return sensitive;
}
