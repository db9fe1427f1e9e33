import { binaryForms, hasFormRun } from './binary-forms.js';
import { BASE, hashAt, sameRun } from './taint-hash.js';
import { HASH, LENGTH, NEXT, START, STRIDE, VALUE, type TaintStore } from './taint-store.js';

export const REDACTED = '[REDACTED]';

const REMEMBER_LENGTH = 96;
const REMEMBER_COUNT = 4_096;

/**
 * Length of the shortest string that can hold registered content (a value
 * matched whole, a fragment, or a binary value's text form not indexed yet):
 * a sink can pass shorter strings without a scan. Infinity when empty.
 */
export function shortestMatch(store: TaintStore): number {
  return Math.min(store.shortestRun, store.pendingRun);
}

export function isEmpty(store: TaintStore): boolean {
  return store.live === 0 && store.pending.length === 0;
}

/** Does `text` contain a registered value or a long-enough fragment of one? */
export function contains(store: TaintStore, text: string): boolean {
  return find(store, text, true) !== undefined;
}

/**
 * `contains` for the short strings a sink sees again and again (message
 * templates, routes, ids): a text found clean is remembered until content
 * is next added, so a repeat costs one map read. Only texts of at most
 * REMEMBER_LENGTH characters are remembered, and at most REMEMBER_COUNT.
 */
export function containsRemembering(store: TaintStore, text: string): boolean {
  if (text.length > REMEMBER_LENGTH || isEmpty(store)) return contains(store, text);
  if (store.clean.get(text) === store.generation) return false;
  if (contains(store, text)) return true;
  if (store.clean.size >= REMEMBER_COUNT) store.clean.clear();
  store.clean.set(text, store.generation);
  return false;
}

/**
 * Do these bytes hold a run of a registered binary value (of at least
 * `caughtRun(its length)` bytes)? Compares bytes, and makes the bytes' text
 * forms only while a registered text is encoded bytes.
 */
export function containsBytes(store: TaintStore, bytes: Uint8Array): boolean {
  if (store.byteSamples.containedIn(bytes)) return true;
  if (store.encodedTexts === 0) return false;
  // a request registered encoded bytes as text (audio sent as base64): only a text form of these holds it
  for (const form of binaryForms(bytes)) if (contains(store, form)) return true;
  return false;
}

/** `text` with every registered value and fragment replaced by a placeholder (same string when clean). */
export function scrub(store: TaintStore, text: string): string {
  return replaceSpans(text, find(store, text, false));
}

/** `scrub` for a JSON text: only string tokens are scanned (see `findJson`). */
export function scrubJson(store: TaintStore, text: string): string {
  return replaceSpans(text, findJson(store, text, false));
}

/** Sorted, merged [start, end) pairs of tainted spans, or undefined when clean. */
function find(store: TaintStore, text: string, firstOnly: boolean): number[] | undefined {
  if (store.pending.length > 0) indexPendingFor(store, text, 0, text.length);
  if (store.live === 0 || text.length < store.shortestRun) return undefined;
  const spans = findIn(store, text, 0, text.length, firstOnly, undefined);
  return spans !== undefined && (store.scanWindows.length > 1 || spans.length > 2)
    ? merge(spans)
    : spans;
}

/**
 * The same for a JSON text (a log line, an OTLP body): only its string tokens
 * are scanned, since numbers, literals and punctuation hold no content. A
 * registered value is also indexed in its JSON-escaped form, so content with
 * quotes or newlines is found inside a token as it is written.
 */
function findJson(store: TaintStore, text: string, firstOnly: boolean): number[] | undefined {
  if (isEmpty(store)) return undefined;
  const shortest = shortestMatch(store);
  let spans: number[] | undefined;
  const end = text.length;
  let at = text.indexOf('"');
  while (at !== -1) {
    const from = at + 1;
    let to = text.indexOf('"', from);
    // an escaped quote (odd number of backslashes before it) does not end the token
    while (to !== -1 && isEscaped(text, to)) to = text.indexOf('"', to + 1);
    if (to === -1) to = end;
    if (to - from >= shortest) {
      if (store.pending.length > 0) indexPendingFor(store, text, from, to);
      if (store.live > 0 && to - from >= store.shortestRun) {
        spans = findIn(store, text, from, to, firstOnly, spans);
        if (firstOnly && spans !== undefined) return spans;
      }
    }
    at = to >= end ? -1 : text.indexOf('"', to + 1);
  }
  return spans !== undefined && spans.length > 2 ? merge(spans) : spans;
}

/** Indexes pending binary values once `text[from, to)` holds a hex/base64 run they could be caught in. */
function indexPendingFor(store: TaintStore, text: string, from: number, to: number): void {
  if (to - from >= store.pendingRun && hasFormRun(text, store.pendingRun, from, to))
    store.indexBinaries();
}

/** Spans found in `text[from, to)` (matches extend over the whole text), added to `spans`. */
function findIn(
  store: TaintStore,
  text: string,
  from: number,
  to: number,
  firstOnly: boolean,
  found: number[] | undefined,
): number[] | undefined {
  let spans = found;
  const buckets = store.buckets;
  const mask = store.mask;
  const filter = store.filter;
  const filterMask = store.filterMask;
  const windows = store.scanWindows;
  const drops = store.scanDrops;
  for (let w = 0; w < windows.length; w++) {
    const length = windows[w] as number;
    if (to - from < length) break;
    const drop = drops[w] as number;
    let coveredEnd = -1;
    let h = hashAt(text, from, length);
    const last = to - length;
    for (let i = from; ; i++) {
      if (
        (filter[(h >>> 5) & filterMask] as number) & (1 << (h & 31)) &&
        i + length > coveredEnd &&
        buckets[h & mask] !== -1
      ) {
        const end = match(store, text, i, length, h, spans);
        if (end !== undefined) {
          if (firstOnly) return end;
          spans = end;
          coveredEnd = end[end.length - 1] as number;
        }
      }
      if (i === last) break;
      h =
        (Math.imul(h - Math.imul(text.charCodeAt(i), drop), BASE) + text.charCodeAt(i + length)) |
        0;
    }
  }
  return spans;
}

/** Verifies a hash hit and extends it to the longest common run; returns the spans with it added. */
function match(
  store: TaintStore,
  text: string,
  i: number,
  length: number,
  hash: number,
  spans: number[] | undefined,
): number[] | undefined {
  const slab = store.slab;
  let bestStart = -1;
  let bestEnd = -1;
  for (let f = store.buckets[hash & store.mask] as number; f !== -1;) {
    const row = f * STRIDE;
    f = slab[row + NEXT] as number;
    if (slab[row + HASH] !== hash || slab[row + LENGTH] !== length) continue;
    const slot = slab[row + VALUE] as number;
    const value = store.values[slot] as string;
    const start = slab[row + START] as number;
    if (!sameRun(text, i, value, start, length)) continue;
    let s = i;
    let p = start;
    while (s > 0 && p > 0 && text.charCodeAt(s - 1) === value.charCodeAt(p - 1)) {
      s--;
      p--;
    }
    let e = i + length;
    let q = start + length;
    while (e < text.length && q < value.length && text.charCodeAt(e) === value.charCodeAt(q)) {
      e++;
      q++;
    }
    // a winnowed k-gram is shorter than fragmentLength: a shorter common run is ordinary text
    if (e - s < (store.valueMinRun[slot] as number)) continue;
    if (bestStart === -1 || s < bestStart) bestStart = s;
    if (e > bestEnd) bestEnd = e;
  }
  if (bestStart === -1) return undefined;
  const out = spans ?? [];
  const lastEnd = out.length > 0 ? (out[out.length - 1] as number) : -1;
  if (lastEnd >= bestStart && out.length > 0) {
    // overlaps the previous span: grow it
    out[out.length - 2] = Math.min(out[out.length - 2] as number, bestStart);
    out[out.length - 1] = Math.max(lastEnd, bestEnd);
  } else {
    out.push(bestStart, bestEnd);
  }
  return out;
}

function replaceSpans(text: string, spans: number[] | undefined): string {
  if (spans === undefined) return text;
  let out = '';
  let at = 0;
  for (let i = 0; i < spans.length; i += 2) {
    out += text.slice(at, spans[i]) + REDACTED;
    at = spans[i + 1] as number;
  }
  return out + text.slice(at);
}

function isEscaped(text: string, quote: number): boolean {
  let slashes = 0;
  for (let i = quote - 1; i >= 0 && text.charCodeAt(i) === 92; i--) slashes++;
  return slashes % 2 === 1;
}

function merge(spans: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < spans.length; i += 2)
    pairs.push([spans[i] as number, spans[i + 1] as number]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [s, e] of pairs) {
    const lastEnd = out[out.length - 1];
    if (lastEnd !== undefined && s <= lastEnd) out[out.length - 1] = Math.max(lastEnd, e);
    else out.push(s, e);
  }
  return out;
}
