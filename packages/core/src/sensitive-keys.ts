import type { Policy } from './types.js';

const caches = new WeakMap<Policy, Map<string, boolean>>();
const kindCaches = new WeakMap<Policy, Map<string, KeyKind>>();
const CACHE_LIMIT = 10_000;

/** What the redactor does, in ZRM, with the value under a key (decided once per key and policy). */
export enum KeyKind {
  /** Walked as any value. */
  Plain = 0,
  /** Content by name: replaced. */
  Sensitive = 1,
  /** Strict policy, key not allowed: a primitive is replaced, an object is walked. */
  NotAllowed = 2,
  /** A string is scrubbed as a URL. */
  Url = 3,
  /** A string keeps its stack frames only. */
  Stack = 4,
}

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

function sensitiveByName(key: string, policy: Policy): boolean {
  const keys = policy.sensitiveKeys;
  return keys.has(key.toLowerCase()) || keys.has(lastWord(key));
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
  const sensitive = sensitiveByName(key, policy);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, sensitive);
  return sensitive;
}

function kindOf(key: string, policy: Policy): KeyKind {
  const lower = key.toLowerCase();
  const allow = policy.strictAllowKeys;
  if (allow !== undefined ? !allow.has(lower) : sensitiveByName(key, policy)) {
    return allow !== undefined ? KeyKind.NotAllowed : KeyKind.Sensitive;
  }
  if (policy.urlKeys.has(lower)) return KeyKind.Url;
  return key === 'stack' ? KeyKind.Stack : KeyKind.Plain;
}

/** The policy's key cache, looked up once per redaction: `cache.get(key) ?? classifyKey(cache, key, policy)`. */
export function keyKinds(policy: Policy): Map<string, KeyKind> {
  let cache = kindCaches.get(policy);
  if (cache === undefined) {
    cache = new Map();
    kindCaches.set(policy, cache);
  }
  return cache;
}

/** Classifies `key` and remembers it in `cache` (from `keyKinds(policy)`; read hits with `cache.get`). */
export function classifyKey(cache: Map<string, KeyKind>, key: string, policy: Policy): KeyKind {
  const kind = kindOf(key, policy);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, kind);
  return kind;
}
