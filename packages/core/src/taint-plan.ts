import { binaryFormLengths, hasFormRun } from './binary-forms.js';
import { BASE, hashAt, power } from './taint-hash.js';
import type { TaintOptions } from './types.js';

/** A registered text with a base64/hex run this long is taken for encoded bytes. */
const ENCODED_RUN = 64;

export interface IndexPlan {
  /** A short value is matched whole; a longer one is winnowed, or sampled at a stride when winnowing needs too many fragments. */
  how: 'whole' | 'winnow' | 'sample';
  /** Length of the windows indexed. */
  window: number;
  /** Shortest common run that counts as a match. */
  minRun: number;
  /** Distance between sampled windows (1 unless sampled). */
  stride: number;
  /** Shortest run of the value the index is sure to catch. */
  caught: number;
}

/** How a value of `length` characters is indexed: the one place `add` and `addBinary` agree on. */
export function indexPlan(length: number, fragmentLength: number, maxFragments: number): IndexPlan {
  if (length <= fragmentLength)
    return { how: 'whole', window: length, minRun: length, stride: 1, caught: length };
  const k = Math.ceil(fragmentLength / 2);
  const w = fragmentLength - k + 1;
  if ((2 * (length - k + 1)) / (w + 1) <= maxFragments)
    return { how: 'winnow', window: k, minRun: fragmentLength, stride: 1, caught: fragmentLength };
  const stride = Math.max(1, Math.ceil((length - fragmentLength + 1) / maxFragments));
  return {
    how: 'sample',
    window: fragmentLength,
    minRun: fragmentLength,
    stride,
    caught: fragmentLength + stride - 1,
  };
}

/**
 * The shortest run of a binary value of `byteLength` bytes that the index
 * would catch in one of its text forms, once they are indexed; Infinity when
 * no form is long enough to be registered.
 */
export function binaryCaughtRun(byteLength: number, options: Readonly<TaintOptions>): number {
  let shortest = Infinity;
  for (const length of binaryFormLengths(byteLength)) {
    if (length >= options.minLength)
      shortest = Math.min(
        shortest,
        indexPlan(length, options.fragmentLength, options.maxFragmentsPerBinary).caught,
      );
  }
  return shortest;
}

/** Does a registered text look like encoded bytes (a long base64 or hex run), so bytes must be looked at in their text forms too? */
export function looksEncoded(value: string): boolean {
  return value.length >= ENCODED_RUN && hasFormRun(value, ENCODED_RUN);
}

/** Characters JSON writes escaped: quotes, backslashes, control characters, lone surrogates. */
// eslint-disable-next-line no-control-regex -- these are exactly the characters JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The form a JSON line (pino, winston, OTLP) holds `value` in when it differs:
 * `he said \"hi\"`, `line\nbreak`. (A native scan first: registration runs once
 * per value of every ZRM request.)
 */
export function jsonEscapedForm(value: string): string | undefined {
  if (!JSON_ESCAPED.test(value)) return undefined;
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped === value ? undefined : escaped;
}

/** The fragments a plan picks from a value: `count` (hash, start) pairs, all of the plan's window length. */
export interface PlannedFragments {
  hashes: Int32Array;
  starts: Int32Array;
  count: number;
}

/** Reused by every call (registration allocates nothing): valid until the next `planFragments`. */
const planned: PlannedFragments = {
  hashes: new Int32Array(1024),
  starts: new Int32Array(1024),
  count: 0,
};
/** The k-gram hashes of the value being winnowed (reused too). */
let grams = new Int32Array(1024);

function pick(hash: number, start: number): void {
  planned.hashes[planned.count] = hash;
  planned.starts[planned.count] = start;
  planned.count++;
}

/**
 * The fragments of `value` that `plan` indexes, in the order they are to be
 * inserted: the whole value, its winnowed k-grams, or windows at the plan's stride.
 */
export function planFragments(
  value: string,
  plan: IndexPlan,
  fragmentLength: number,
): PlannedFragments {
  // at most one fragment per window start, and at least one
  const most = value.length + 1;
  if (planned.hashes.length < most) {
    const size = Math.max(most, planned.hashes.length * 2);
    planned.hashes = new Int32Array(size);
    planned.starts = new Int32Array(size);
  }
  planned.count = 0;
  const window = plan.window;
  if (plan.how === 'whole') pick(hashAt(value, 0, window), 0);
  else if (plan.how === 'winnow') winnow(value, window, fragmentLength - window + 1);
  else sample(value, window, plan.stride);
  return planned;
}

/**
 * Winnowing (Schleimer, Wilkerson, Aiken 2003): of every `w` consecutive
 * `k`-grams, the one with the smallest hash is indexed. Any run of
 * `w + k - 1` (= fragmentLength) characters of the value contains a whole
 * window, and so an indexed k-gram, while only about 2/(w+1) of the k-grams
 * are indexed. A scan looks up every k-gram of the text and keeps a hit only
 * once it extends to fragmentLength characters.
 */
function winnow(value: string, k: number, w: number): void {
  const count = value.length - k + 1;
  if (grams.length < count) grams = new Int32Array(Math.max(count, grams.length * 2));
  const hashes = grams;
  const drop = power(k);
  let h = hashAt(value, 0, k);
  let min = -1;
  let indexed = -1;
  for (let i = 0; ; i++) {
    hashes[i] = h;
    if (i >= w - 1) {
      const low = i - w + 1;
      if (min < low) {
        // the window's minimum left it: find the new one (rightmost of equals)
        min = low;
        for (let j = low + 1; j <= i; j++)
          if ((hashes[j] as number) <= (hashes[min] as number)) min = j;
      } else if (h <= (hashes[min] as number)) {
        min = i;
      }
      if (min !== indexed) {
        pick(hashes[min] as number, min);
        indexed = min;
      }
    }
    if (i === count - 1) break;
    h = (Math.imul(h - Math.imul(value.charCodeAt(i), drop), BASE) + value.charCodeAt(i + k)) | 0;
  }
}

/** A value too long to winnow within its fragment budget: windows of fragmentLength at a fixed stride, and the last one. */
function sample(value: string, k: number, stride: number): void {
  const windows = value.length - k + 1;
  for (let i = 0; i < windows - 1; i += stride) pick(hashAt(value, i, k), i);
  pick(hashAt(value, windows - 1, k), windows - 1);
}
