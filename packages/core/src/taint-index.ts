import type { TaintOptions } from './types.js';

/** Who registered a value: one per scope. Released once, after which it registers nothing. */
export interface TaintOwner {
  /** The values registered, so that each is indexed once. */
  readonly values: Set<string>;
  /** Every fragment this owner put in the index: release removes exactly these, without re-hashing. */
  readonly fragments: Fragment[];
  /** This owner's fragments by hash: a repeated run ("yyyy…") is indexed once per owner. */
  readonly seen: Map<number, Fragment>;
  readonly options: Readonly<TaintOptions>;
  released: boolean;
}

export function createTaintOwner(options: Readonly<TaintOptions>): TaintOwner {
  return { values: new Set(), fragments: [], seen: new Map(), options, released: false };
}

interface Fragment {
  value: string;
  start: number;
  length: number;
  hash: number;
  owner: TaintOwner;
  /** Position in its hash bucket, for removal in constant time. */
  slot: number;
}

const BASE = 0x01000193;
// Map keys stay small integers (no heap numbers on the hot path)
const KEY = 0x3fffffff;
const FILTER_SIZE = 1 << 16;
const FILTER_MASK = FILTER_SIZE - 1;
export const REDACTED = '[REDACTED]';

function power(length: number): number {
  let p = 1;
  for (let i = 1; i < length; i++) p = Math.imul(p, BASE);
  return p;
}

function hashAt(text: string, start: number, length: number): number {
  let h = 0;
  for (let i = start; i < start + length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * Rolling-hash index over fragments of registered values. A scan hashes every
 * window of the scanned text once, so it costs time linear in the text,
 * whatever the number of registered values.
 */
export class TaintIndex {
  readonly #fragments = new Map<number, Fragment[]>();
  /** Counting filter over the low bits of fragment hashes: most windows miss it and skip the Map. */
  readonly #filter = new Uint16Array(FILTER_SIZE);
  readonly #windowLengths = new Map<number, number>();
  readonly #owners = new Set<TaintOwner>();

  /** Owners with values still registered (in-flight ZRM scopes and their grace periods). */
  get ownerCount(): number {
    return this.#owners.size;
  }

  get fragmentCount(): number {
    let n = 0;
    for (const bucket of this.#fragments.values()) n += bucket.length;
    return n;
  }

  get isEmpty(): boolean {
    return this.#fragments.size === 0;
  }

  add(owner: TaintOwner, value: string, maxFragments = owner.options.maxFragmentsPerValue): void {
    const options = owner.options;
    if (owner.released || value.length < options.minLength || owner.values.has(value)) return;
    owner.values.add(value);
    this.#owners.add(owner);
    this.#eachFragment(value, options.fragmentLength, maxFragments, (hash, start, length) => {
      const twin = owner.seen.get(hash);
      if (
        twin !== undefined &&
        twin.length === length &&
        sameRun(twin.value, twin.start, value, start, length)
      ) {
        return;
      }
      let bucket = this.#fragments.get(hash);
      if (bucket === undefined) {
        bucket = [];
        this.#fragments.set(hash, bucket);
      }
      const fragment: Fragment = { value, start, length, hash, owner, slot: bucket.length };
      bucket.push(fragment);
      owner.fragments.push(fragment);
      if (twin === undefined) owner.seen.set(hash, fragment);
      const slot = hash & FILTER_MASK;
      if (this.#filter[slot] !== 0xffff) this.#filter[slot] = (this.#filter[slot] as number) + 1;
      this.#windowLengths.set(length, (this.#windowLengths.get(length) ?? 0) + 1);
    });
  }

  release(owner: TaintOwner): void {
    if (owner.released) return;
    owner.released = true;
    for (const fragment of owner.fragments) {
      const bucket = this.#fragments.get(fragment.hash);
      if (bucket === undefined) continue;
      // swap-remove: the last fragment of the bucket takes this one's place
      const last = bucket.pop() as Fragment;
      if (last !== fragment) {
        bucket[fragment.slot] = last;
        last.slot = fragment.slot;
      }
      if (bucket.length === 0) this.#fragments.delete(fragment.hash);
      const slot = fragment.hash & FILTER_MASK;
      // a saturated counter stays set: it can no longer tell how many fragments it stands for
      if (this.#filter[slot] !== 0xffff) this.#filter[slot] = (this.#filter[slot] as number) - 1;
      const left = (this.#windowLengths.get(fragment.length) ?? 1) - 1;
      if (left === 0) this.#windowLengths.delete(fragment.length);
      else this.#windowLengths.set(fragment.length, left);
    }
    owner.fragments.length = 0;
    owner.seen.clear();
    owner.values.clear();
    this.#owners.delete(owner);
  }

  /** Does `text` contain a registered value or a long-enough fragment of one? */
  contains(text: string): boolean {
    return this.#find(text, true) !== undefined;
  }

  /** `text` with every registered value and fragment replaced by a placeholder (same string when clean). */
  scrub(text: string): string {
    const spans = this.#find(text, false);
    if (spans === undefined) return text;
    let out = '';
    let at = 0;
    for (let i = 0; i < spans.length; i += 2) {
      out += text.slice(at, spans[i]) + REDACTED;
      at = spans[i + 1] as number;
    }
    return out + text.slice(at);
  }

  #eachFragment(
    value: string,
    k: number,
    maxFragments: number,
    visit: (hash: number, start: number, length: number) => void,
  ): void {
    if (value.length <= k) {
      visit(hashAt(value, 0, value.length) & KEY, 0, value.length);
      return;
    }
    const windows = value.length - k + 1;
    const stride = Math.max(1, Math.ceil(windows / maxFragments));
    if (stride > k) {
      // sparse sampling of a long value: hashing each sampled window is cheaper than rolling over all
      for (let i = 0; i < windows - 1; i += stride) visit(hashAt(value, i, k) & KEY, i, k);
      visit(hashAt(value, windows - 1, k) & KEY, windows - 1, k);
      return;
    }
    const drop = power(k);
    let h = hashAt(value, 0, k);
    for (let i = 0; ; i++) {
      if (i % stride === 0 || i === windows - 1) visit(h & KEY, i, k);
      if (i === windows - 1) break;
      h = (Math.imul(h - Math.imul(value.charCodeAt(i), drop), BASE) + value.charCodeAt(i + k)) | 0;
    }
  }

  /** Sorted, merged [start, end) pairs of tainted spans, or undefined when clean. */
  #find(text: string, firstOnly: boolean): number[] | undefined {
    if (this.#fragments.size === 0) return undefined;
    let spans: number[] | undefined;
    let passes = 0;
    const filter = this.#filter;
    for (const length of this.#windowLengths.keys()) {
      if (text.length < length) continue;
      passes++;
      const drop = power(length);
      let coveredEnd = -1;
      let h = hashAt(text, 0, length);
      const last = text.length - length;
      for (let i = 0; ; i++) {
        if (i + length > coveredEnd && filter[h & FILTER_MASK] !== 0) {
          const found = this.#fragments.get(h & KEY);
          if (found !== undefined) {
            const end = this.#match(text, i, length, found, spans);
            if (end !== undefined) {
              if (firstOnly) return [];
              spans = end;
              coveredEnd = end[end.length - 1] as number;
            }
          }
        }
        if (i === last) break;
        h =
          (Math.imul(h - Math.imul(text.charCodeAt(i), drop), BASE) + text.charCodeAt(i + length)) |
          0;
      }
    }
    return spans !== undefined && (passes > 1 || spans.length > 2) ? merge(spans) : spans;
  }

  /** Verifies a hash hit and extends it to the longest common run; returns the spans with it added. */
  #match(
    text: string,
    i: number,
    length: number,
    found: Fragment[],
    spans: number[] | undefined,
  ): number[] | undefined {
    const candidates = found;
    let best: [number, number] | undefined;
    for (const f of candidates) {
      if (f.length !== length || !sameRun(text, i, f.value, f.start, length)) continue;
      let s = i;
      let p = f.start;
      while (s > 0 && p > 0 && text.charCodeAt(s - 1) === f.value.charCodeAt(p - 1)) {
        s--;
        p--;
      }
      let e = i + length;
      let q = f.start + length;
      while (
        e < text.length &&
        q < f.value.length &&
        text.charCodeAt(e) === f.value.charCodeAt(q)
      ) {
        e++;
        q++;
      }
      if (best === undefined) best = [s, e];
      else best = [Math.min(best[0], s), Math.max(best[1], e)];
    }
    if (best === undefined) return undefined;
    const out = spans ?? [];
    const lastEnd = out.length > 0 ? (out[out.length - 1] as number) : -1;
    if (lastEnd >= best[0] && out.length > 0) {
      // overlaps the previous span: grow it
      out[out.length - 2] = Math.min(out[out.length - 2] as number, best[0]);
      out[out.length - 1] = Math.max(lastEnd, best[1]);
    } else {
      out.push(best[0], best[1]);
    }
    return out;
  }
}

function sameRun(a: string, ai: number, b: string, bi: number, length: number): boolean {
  for (let j = 0; j < length; j++) if (a.charCodeAt(ai + j) !== b.charCodeAt(bi + j)) return false;
  return true;
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
