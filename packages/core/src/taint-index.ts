import { binaryFormLengths, binaryForms, hasFormRun } from './binary-forms.js';
import { ByteSamples } from './byte-samples.js';
import type { TaintOptions } from './types.js';

/** Who registered values: one per scope. Released once, after which it registers nothing. */
export interface TaintOwner {
  readonly options: Readonly<TaintOptions>;
  /** The values registered, so that each is indexed once (a Set once there are many). */
  values: string[] | Set<string>;
  /** Slots (in the index's value table) of this owner's values. */
  readonly valueSlots: number[];
  /** This owner's most recent fragment in the slab (the start of its list), or -1. */
  lastFragment: number;
  /** Slot in the index's owner table while it has values there, -1 otherwise. */
  id: number;
  /** Binary values (copies) whose text forms are not indexed yet. */
  binaries: Uint8Array[];
  /** Every binary value (copies) whose windows are sampled (see `ByteSamples`). */
  sampled: Uint8Array[];
  /** How many of this owner's text values look like base64 or hex (encoded bytes). */
  encodedTexts: number;
  /** Position in the index's list of owners with such values, -1 when none. */
  pendingAt: number;
  /** The scope the values belong to: once it is garbage-collected, they are released. */
  readonly scope: WeakRef<object> | undefined;
  released: boolean;
  /** The shared values this owner holds a reference to (see `SharedValue`). */
  shared: SharedValue[];
  /** An index-internal owner: holds the fragments of one shared value, for every scope that registered it. */
  internal: boolean;
}

/**
 * One distinct registered text, indexed once however many in-flight requests
 * registered it (a system prompt, a greeting every request starts with): its
 * fragments belong to an internal owner, released when the last request
 * holding it is. Without it, a scan hit would verify one copy per request.
 */
interface SharedValue {
  readonly key: string;
  readonly holder: TaintOwner;
  refs: number;
}

export function createTaintOwner(options: Readonly<TaintOptions>, scope?: object): TaintOwner {
  return {
    options,
    scope: scope === undefined ? undefined : new WeakRef(scope),
    values: [],
    valueSlots: [],
    lastFragment: -1,
    id: -1,
    binaries: [],
    sampled: [],
    encodedTexts: 0,
    pendingAt: -1,
    released: false,
    shared: [],
    internal: false,
  };
}

export const REDACTED = '[REDACTED]';

const BASE = 0x01000193;
/** Beyond this many values an owner checks repeats with a Set instead of a scan. */
const VALUES_AS_ARRAY = 16;
const MIN_BUCKETS = 1 << 16;
const FILTER_BITS_PER_BUCKET = 16;
const REMEMBER_LENGTH = 96;
/** A registered text with a base64/hex run this long is taken for encoded bytes. */
const ENCODED_RUN = 64;
const REMEMBER_COUNT = 4_096;
const MIN_FRAGMENTS = 1 << 10;
/** The k-gram hashes of the value being winnowed (reused: registration allocates nothing). */
let scratch = new Int32Array(1024);

// A fragment is a row of STRIDE int32s in the slab: no object per fragment.
const HASH = 0;
const START = 1;
const LENGTH = 2; // 0 marks a free row
const VALUE = 3;
const NEXT = 4; // next fragment in the same bucket (free rows: next free row)
const PREV = 5; // previous fragment in the same bucket, -1 for the first
const OWNER_NEXT = 6; // the owner's previous fragment, -1 for its first
const OWNER = 7;
const STRIDE = 8;

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

function sameRun(a: string, ai: number, b: string, bi: number, length: number): boolean {
  for (let j = 0; j < length; j++) if (a.charCodeAt(ai + j) !== b.charCodeAt(bi + j)) return false;
  return true;
}

/** Adds `value` to the owner's set of values; false when it was there already. */
function addOwnValue(owner: TaintOwner, value: string): boolean {
  const values = owner.values;
  if (Array.isArray(values)) {
    if (values.includes(value)) return false;
    values.push(value);
    if (values.length > VALUES_AS_ARRAY) owner.values = new Set(values);
    return true;
  }
  if (values.has(value)) return false;
  values.add(value);
  return true;
}

/**
 * Rolling-hash index over fragments of registered values. A scan hashes every
 * window of the scanned text once, so it costs time linear in the text,
 * whatever the number of registered values.
 *
 * Fragments live in one growable Int32Array (a row each), chained per hash
 * bucket and per owner, so registering and releasing a value allocates no
 * object per fragment and leaves nothing for the garbage collector.
 */
export class TaintIndex {
  #slab = new Int32Array(MIN_FRAGMENTS * STRIDE);
  #rows = 0; // rows ever used (high-water mark)
  #freeRow = -1;
  #live = 0;
  #buckets = new Int32Array(MIN_BUCKETS).fill(-1);
  #mask = MIN_BUCKETS - 1;
  /**
   * Quick reject: one bit per hash (FILTER_BITS_PER_BUCKET per bucket) set for
   * every fragment inserted. A scan reads this small table at every window and
   * the bucket chains only on a set bit, so a clean text costs a pass over
   * memory that stays in cache. Released fragments leave their bits set until
   * the filter is rebuilt (a false positive costs one bucket read).
   */
  #filter = new Int32Array((MIN_BUCKETS * FILTER_BITS_PER_BUCKET) >>> 5);
  #filterMask = ((MIN_BUCKETS * FILTER_BITS_PER_BUCKET) >>> 5) - 1;
  /** Bits set since the filter was last rebuilt. */
  #filterSets = 0;
  /** Window lengths with fragments in the index, for the scan (an array: no iterator per scan). */
  #scanWindows: number[] = [];
  /** `power(length)` of each scan window, for the rolling hash. */
  #scanDrops: number[] = [];
  /** Bumped whenever content is added: a text found clean stays clean until then. */
  #generation = 0;
  /** Short texts found clean, with the generation they were found clean at (see `containsRemembering`). */
  readonly #clean = new Map<string, number>();
  /** Minimum run → number of live values matched from that many characters on. */
  readonly #runCounts = new Map<number, number>();
  /** The shortest run any live value matches from: a shorter text cannot hold a match. */
  #shortestRun = Infinity;
  readonly #values: (string | undefined)[] = [];
  readonly #valueWindow: number[] = [];
  readonly #valueFragments: number[] = [];
  /** Shortest common run that counts as a match: fragmentLength, or the whole of a short value. */
  readonly #valueMinRun: number[] = [];
  readonly #freeValues: number[] = [];
  /** Window length → number of fragments of that length in the index (0: none left). */
  readonly #windowLengths = new Map<number, number>();
  readonly #owners: (TaintOwner | undefined)[] = [];
  readonly #freeOwners: number[] = [];
  #ownerCount = 0;
  /** Sampled windows of every registered binary value, to find them in other bytes. */
  readonly #byteSamples = new ByteSamples();
  /** Registered text values that look like encoded bytes (a long base64 or hex run). */
  #encodedTexts = 0;
  /** Entered owners that are internal (shared values), not requests. */
  #internalCount = 0;
  /** Shared values by policy taint options, then by text. */
  readonly #sharedValues = new Map<Readonly<TaintOptions>, Map<string, SharedValue>>();
  /** Owners with binary values not indexed yet, and the shortest run any of those could be caught in. */
  readonly #pending: TaintOwner[] = [];
  #pendingRun = Infinity;

  /** Owners with values still registered (in-flight ZRM scopes and their grace periods). */
  get ownerCount(): number {
    return this.#ownerCount - this.#internalCount;
  }

  get fragmentCount(): number {
    return this.#live;
  }

  get isEmpty(): boolean {
    return this.#live === 0 && this.#pending.length === 0;
  }

  /**
   * Length of the shortest string that can hold registered content (a value
   * matched whole, a fragment, or a binary value's text form not indexed yet):
   * a sink can pass shorter strings without a scan. Infinity when empty.
   */
  get shortestMatch(): number {
    return Math.min(this.#shortestRun, this.#pendingRun);
  }

  /**
   * Registers a binary value by its text forms. Making them costs several times
   * the value's size, and a scan can only find one in a long run of hex or
   * base64 characters, so they are made and indexed when a scanned text first
   * holds a run as long as the shortest one sampling would catch; a request
   * whose content no such text meets never pays for them. The bytes are copied:
   * the caller may reuse its buffer.
   */
  addBinary(owner: TaintOwner, bytes: Uint8Array): void {
    const options = owner.options;
    if (owner.released || bytes.byteLength === 0) return;
    let shortest = Infinity;
    for (const length of binaryFormLengths(bytes.byteLength)) {
      if (length >= options.minLength)
        shortest = Math.min(
          shortest,
          indexPlan(length, options.fragmentLength, options.maxFragmentsPerBinary).caught,
        );
    }
    if (shortest === Infinity) return;
    if (owner.id === -1) this.#enter(owner);
    const copy = Uint8Array.prototype.slice.call(bytes);
    owner.binaries.push(copy);
    this.#byteSamples.add(copy);
    owner.sampled.push(copy);
    if (owner.pendingAt === -1) {
      owner.pendingAt = this.#pending.length;
      this.#pending.push(owner);
    }
    this.#pendingRun = Math.min(this.#pendingRun, shortest);
    this.#generation++;
  }

  add(owner: TaintOwner, value: string, maxFragments = owner.options.maxFragmentsPerValue): void {
    const options = owner.options;
    if (owner.released || value.length < options.minLength || !addOwnValue(owner, value)) return;
    if (owner.id === -1) this.#enter(owner);
    if (value.length >= ENCODED_RUN && hasFormRun(value, ENCODED_RUN)) {
      owner.encodedTexts++;
      this.#encodedTexts++;
    }
    let byText = this.#sharedValues.get(options);
    if (byText === undefined) {
      byText = new Map();
      this.#sharedValues.set(options, byText);
    }
    let shared = byText.get(value);
    if (shared === undefined) {
      const holder = createTaintOwner(options);
      holder.internal = true;
      this.#addValue(holder, value, maxFragments);
      if (needsJsonEscape(value)) {
        // a JSON line (pino, winston, OTLP) holds the escaped form: `he said \"hi\"`, `line\nbreak`
        const escaped = JSON.stringify(value).slice(1, -1);
        if (escaped !== value) this.#addValue(holder, escaped, maxFragments);
      }
      shared = { key: value, holder, refs: 0 };
      byText.set(value, shared);
    }
    shared.refs++;
    owner.shared.push(shared);
  }

  #addValue(owner: TaintOwner, value: string, maxFragments: number): void {
    const options = owner.options;
    if (owner.released || value.length < options.minLength || !addOwnValue(owner, value)) return;
    if (owner.id === -1) this.#enter(owner);
    const slot = this.#freeValues.pop() ?? this.#values.length;
    this.#values[slot] = value;
    owner.valueSlots.push(slot);
    const plan = indexPlan(value.length, options.fragmentLength, maxFragments);
    const window = plan.window;
    let added: number;
    if (plan.how === 'whole') {
      added = this.#insert(owner, hashAt(value, 0, window), 0, window, slot, value);
    } else if (plan.how === 'winnow') {
      added = this.#winnow(owner, value, slot, window, options.fragmentLength - window + 1);
    } else {
      added = this.#sample(owner, value, slot, window, plan.stride);
    }
    this.#valueMinRun[slot] = plan.minRun;
    this.#countRun(plan.minRun, 1);
    this.#valueWindow[slot] = window;
    this.#valueFragments[slot] = added;
    if (added > 0) this.#countWindow(window, added);
    this.#generation++;
  }

  #countRun(run: number, delta: number): void {
    const before = this.#runCounts.get(run) ?? 0;
    const after = Math.max(0, before + delta);
    this.#runCounts.set(run, after);
    if ((before === 0) !== (after === 0)) {
      let shortest = Infinity;
      for (const [length, count] of this.#runCounts)
        if (count > 0 && length < shortest) shortest = length;
      this.#shortestRun = shortest;
    }
  }

  /** Keeps the per-length fragment counts and the scan's list of lengths in step. */
  #countWindow(window: number, delta: number): void {
    const before = this.#windowLengths.get(window) ?? 0;
    const after = Math.max(0, before + delta);
    // a length whose count drops to 0 stays in the map: deleting and re-adding the last entry re-hashes it
    this.#windowLengths.set(window, after);
    if ((before === 0) !== (after === 0)) {
      const windows: number[] = [];
      for (const [length, count] of this.#windowLengths) if (count > 0) windows.push(length);
      this.#scanWindows = windows.sort((a, b) => a - b);
      this.#scanDrops = this.#scanWindows.map(power);
    }
  }

  release(owner: TaintOwner): void {
    if (owner.released) return;
    owner.released = true;
    for (const bytes of owner.sampled) this.#byteSamples.remove(bytes);
    owner.sampled = [];
    this.#encodedTexts -= owner.encodedTexts;
    owner.encodedTexts = 0;
    if (owner.shared.length > 0) {
      const byText = this.#sharedValues.get(owner.options);
      for (const shared of owner.shared) {
        if (--shared.refs > 0) continue;
        byText?.delete(shared.key);
        this.release(shared.holder);
      }
      owner.shared = [];
    }
    const slab = this.#slab;
    const buckets = this.#buckets;
    for (let f = owner.lastFragment; f !== -1;) {
      const row = f * STRIDE;
      const next = slab[row + NEXT] as number;
      const prev = slab[row + PREV] as number;
      if (prev === -1) buckets[(slab[row + HASH] as number) & this.#mask] = next;
      else slab[prev * STRIDE + NEXT] = next;
      if (next !== -1) slab[next * STRIDE + PREV] = prev;
      const ownerNext = slab[row + OWNER_NEXT] as number;
      slab[row + LENGTH] = 0;
      slab[row + NEXT] = this.#freeRow;
      this.#freeRow = f;
      this.#live--;
      f = ownerNext;
    }
    owner.lastFragment = -1;
    for (const slot of owner.valueSlots) {
      this.#values[slot] = undefined;
      const fragments = this.#valueFragments[slot] as number;
      if (fragments > 0) this.#countWindow(this.#valueWindow[slot] as number, -fragments);
      this.#countRun(this.#valueMinRun[slot] as number, -1);
      this.#freeValues.push(slot);
    }
    owner.valueSlots.length = 0;
    owner.values = [];
    owner.binaries = [];
    this.#unpend(owner);
    if (owner.id !== -1) {
      this.#owners[owner.id] = undefined;
      this.#freeOwners.push(owner.id);
      owner.id = -1;
      this.#ownerCount--;
      if (owner.internal) this.#internalCount--;
    }
    if (this.#ownerCount === 0) this.#clean.clear();
    if (this.#ownerCount === 0 && this.#rows > MIN_FRAGMENTS) this.#reset();
    else if (this.#filterSets > 2 * this.#live + MIN_FRAGMENTS) this.#rebuildFilter();
  }

  /** Releases every owner whose scope has been garbage-collected; returns how many. */
  releaseCollected(): number {
    const collected = this.#owners.filter(
      (owner) =>
        owner !== undefined && owner.scope !== undefined && owner.scope.deref() === undefined,
    );
    for (const owner of collected) this.release(owner as TaintOwner);
    return collected.length;
  }

  /**
   * Do these bytes hold a run of a registered binary value (of at least
   * `caughtRun(its length)` bytes)? Compares bytes, and makes the bytes' text
   * forms only while a registered text is encoded bytes.
   */
  containsBytes(bytes: Uint8Array): boolean {
    if (this.#byteSamples.containedIn(bytes)) return true;
    if (this.#encodedTexts === 0) return false;
    // a request registered encoded bytes as text (audio sent as base64): only a text form of these holds it
    for (const form of binaryForms(bytes)) if (this.contains(form)) return true;
    return false;
  }

  /** Is a registered text value encoded bytes (base64, hex), so bytes must be looked at in their text forms too? */
  get holdsEncodedText(): boolean {
    return this.#encodedTexts > 0;
  }

  /** Does `text` contain a registered value or a long-enough fragment of one? */
  contains(text: string): boolean {
    return this.#find(text, true) !== undefined;
  }

  /**
   * `contains` for the short strings a sink sees again and again (message
   * templates, routes, ids): a text found clean is remembered until content
   * is next added, so a repeat costs one map read. Only texts of at most
   * REMEMBER_LENGTH characters are remembered, and at most REMEMBER_COUNT.
   */
  containsRemembering(text: string): boolean {
    if (text.length > REMEMBER_LENGTH || this.isEmpty) return this.contains(text);
    if (this.#clean.get(text) === this.#generation) return false;
    if (this.contains(text)) return true;
    if (this.#clean.size >= REMEMBER_COUNT) this.#clean.clear();
    this.#clean.set(text, this.#generation);
    return false;
  }

  /** `text` with every registered value and fragment replaced by a placeholder (same string when clean). */
  scrub(text: string): string {
    return replaceSpans(text, this.#find(text, false));
  }

  /** `scrub` for a JSON text: only string tokens are scanned (see `#findJson`). */
  scrubJson(text: string): string {
    return replaceSpans(text, this.#findJson(text, false));
  }

  /**
   * Winnowing (Schleimer, Wilkerson, Aiken 2003): of every `w` consecutive
   * `k`-grams, the one with the smallest hash is indexed. Any run of
   * `w + k - 1` (= fragmentLength) characters of the value contains a whole
   * window, and so an indexed k-gram, while only about 2/(w+1) of the k-grams
   * are indexed. A scan looks up every k-gram of the text and keeps a hit only
   * once it extends to fragmentLength characters.
   */
  #winnow(owner: TaintOwner, value: string, slot: number, k: number, w: number): number {
    const grams = value.length - k + 1;
    if (scratch.length < grams) scratch = new Int32Array(Math.max(grams, scratch.length * 2));
    const hashes = scratch;
    const drop = power(k);
    let h = hashAt(value, 0, k);
    let added = 0;
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
          added += this.#insert(owner, hashes[min] as number, min, k, slot, value);
          indexed = min;
        }
      }
      if (i === grams - 1) break;
      h = (Math.imul(h - Math.imul(value.charCodeAt(i), drop), BASE) + value.charCodeAt(i + k)) | 0;
    }
    return added;
  }

  /** A value too long to winnow within `maxFragments`: windows of fragmentLength at a fixed stride. */
  #sample(owner: TaintOwner, value: string, slot: number, k: number, stride: number): number {
    const windows = value.length - k + 1;
    let added = 0;
    for (let i = 0; i < windows - 1; i += stride)
      added += this.#insert(owner, hashAt(value, i, k), i, k, slot, value);
    return added + this.#insert(owner, hashAt(value, windows - 1, k), windows - 1, k, slot, value);
  }

  #unpend(owner: TaintOwner): void {
    const at = owner.pendingAt;
    if (at === -1) return;
    owner.pendingAt = -1;
    const last = this.#pending.pop() as TaintOwner;
    if (last !== owner) {
      this.#pending[at] = last;
      last.pendingAt = at;
    }
    if (this.#pending.length === 0) this.#pendingRun = Infinity;
  }

  /** Indexes the text forms of every pending binary value. */
  #indexBinaries(): void {
    const owners = this.#pending.splice(0);
    this.#pendingRun = Infinity;
    for (const owner of owners) {
      owner.pendingAt = -1;
      const binaries = owner.binaries;
      owner.binaries = [];
      for (const bytes of binaries) {
        for (const form of binaryForms(bytes))
          this.add(owner, form, owner.options.maxFragmentsPerBinary);
      }
    }
  }

  #enter(owner: TaintOwner): void {
    const id = this.#freeOwners.pop() ?? this.#owners.length;
    this.#owners[id] = owner;
    owner.id = id;
    this.#ownerCount++;
    if (owner.internal) this.#internalCount++;
  }

  /** After the last owner left: give back the memory a burst of registrations grew. */
  #reset(): void {
    if (this.#slab.length > MIN_FRAGMENTS * STRIDE)
      this.#slab = new Int32Array(MIN_FRAGMENTS * STRIDE);
    // every fragment was unlinked, so every bucket is empty already: only a grown table is replaced
    if (this.#buckets.length > MIN_BUCKETS) {
      this.#buckets = new Int32Array(MIN_BUCKETS).fill(-1);
      this.#mask = MIN_BUCKETS - 1;
    }
    this.#rows = 0;
    this.#freeRow = -1;
    this.#live = 0;
    this.#values.length = 0;
    this.#valueWindow.length = 0;
    this.#valueFragments.length = 0;
    this.#valueMinRun.length = 0;
    this.#freeValues.length = 0;
    this.#owners.length = 0;
    this.#freeOwners.length = 0;
    this.#sharedValues.clear();
    this.#windowLengths.clear();
    this.#scanWindows = [];
    this.#scanDrops = [];
    this.#clean.clear();
    this.#runCounts.clear();
    this.#shortestRun = Infinity;
    this.#rebuildFilter();
  }

  /** A filter sized to the bucket table, with the bits of live fragments only. */
  #rebuildFilter(): void {
    const words = (this.#buckets.length * FILTER_BITS_PER_BUCKET) >>> 5;
    if (this.#filter.length === words) this.#filter.fill(0);
    else this.#filter = new Int32Array(words);
    this.#filterMask = words - 1;
    const slab = this.#slab;
    const filter = this.#filter;
    const mask = this.#filterMask;
    for (let f = 0; f < this.#rows; f++) {
      const row = f * STRIDE;
      if (slab[row + LENGTH] === 0) continue;
      const h = slab[row + HASH] as number;
      const word = (h >>> 5) & mask;
      filter[word] = (filter[word] as number) | (1 << (h & 31));
    }
    this.#filterSets = this.#live;
  }

  /** Puts one fragment in the index; returns 0 when the owner indexed the same run just before. */
  #insert(
    owner: TaintOwner,
    hash: number,
    start: number,
    length: number,
    slot: number,
    value: string,
  ): number {
    let slab = this.#slab;
    const bucket = hash & this.#mask;
    // a repeated run ("yyyy…") is indexed once per value: the owner's own latest fragments head the chain.
    // (Only within one value: a hit is extended against the fragment's own value, so a run shared by two
    // values must be indexed for each, or a match in the second would be cut short by the first.)
    for (let f = this.#buckets[bucket] as number; f !== -1;) {
      const row = f * STRIDE;
      if (slab[row + OWNER] !== owner.id) break;
      if (
        slab[row + VALUE] === slot &&
        slab[row + HASH] === hash &&
        slab[row + LENGTH] === length &&
        sameRun(
          this.#values[slab[row + VALUE] as number] as string,
          slab[row + START] as number,
          value,
          start,
          length,
        )
      ) {
        return 0;
      }
      f = slab[row + NEXT] as number;
    }
    let f = this.#freeRow;
    if (f !== -1) {
      this.#freeRow = slab[f * STRIDE + NEXT] as number;
    } else {
      f = this.#rows++;
      if (f * STRIDE >= slab.length) {
        const grown = new Int32Array(slab.length * 2);
        grown.set(slab);
        this.#slab = slab = grown;
      }
    }
    const row = f * STRIDE;
    const head = this.#buckets[bucket] as number;
    slab[row + HASH] = hash;
    slab[row + START] = start;
    slab[row + LENGTH] = length;
    slab[row + VALUE] = slot;
    slab[row + NEXT] = head;
    slab[row + PREV] = -1;
    slab[row + OWNER_NEXT] = owner.lastFragment;
    slab[row + OWNER] = owner.id;
    if (head !== -1) slab[head * STRIDE + PREV] = f;
    this.#buckets[bucket] = f;
    const word = (hash >>> 5) & this.#filterMask;
    this.#filter[word] = (this.#filter[word] as number) | (1 << (hash & 31));
    this.#filterSets++;
    owner.lastFragment = f;
    if (++this.#live > this.#buckets.length * 2) this.#grow();
    return 1;
  }

  /** More buckets once chains grow long: every live fragment is re-chained. */
  #grow(): void {
    const size = this.#buckets.length * 2;
    const buckets = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const slab = this.#slab;
    // rows are walked from the last, so each chain keeps newer fragments first
    for (let f = this.#rows - 1; f >= 0; f--) {
      const row = f * STRIDE;
      if (slab[row + LENGTH] === 0) continue;
      const bucket = (slab[row + HASH] as number) & mask;
      const head = buckets[bucket] as number;
      slab[row + NEXT] = head;
      slab[row + PREV] = -1;
      if (head !== -1) slab[head * STRIDE + PREV] = f;
      buckets[bucket] = f;
    }
    this.#buckets = buckets;
    this.#mask = mask;
    this.#rebuildFilter();
  }

  /** Sorted, merged [start, end) pairs of tainted spans, or undefined when clean. */
  #find(text: string, firstOnly: boolean): number[] | undefined {
    if (this.#pending.length > 0) this.#indexPendingFor(text, 0, text.length);
    if (this.#live === 0 || text.length < this.#shortestRun) return undefined;
    const spans = this.#findIn(text, 0, text.length, firstOnly, undefined);
    return spans !== undefined && (this.#scanWindows.length > 1 || spans.length > 2)
      ? merge(spans)
      : spans;
  }

  /**
   * The same for a JSON text (a log line, an OTLP body): only its string tokens
   * are scanned, since numbers, literals and punctuation hold no content. A
   * registered value is also indexed in its JSON-escaped form, so content with
   * quotes or newlines is found inside a token as it is written.
   */
  #findJson(text: string, firstOnly: boolean): number[] | undefined {
    if (this.#live === 0 && this.#pending.length === 0) return undefined;
    const shortest = this.shortestMatch;
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
        if (this.#pending.length > 0) this.#indexPendingFor(text, from, to);
        if (this.#live > 0 && to - from >= this.#shortestRun) {
          spans = this.#findIn(text, from, to, firstOnly, spans);
          if (firstOnly && spans !== undefined) return spans;
        }
      }
      at = to >= end ? -1 : text.indexOf('"', to + 1);
    }
    return spans !== undefined && spans.length > 2 ? merge(spans) : spans;
  }

  /** Indexes pending binary values once `text[from, to)` holds a hex/base64 run they could be caught in. */
  #indexPendingFor(text: string, from: number, to: number): void {
    if (to - from >= this.#pendingRun && hasFormRun(text, this.#pendingRun, from, to))
      this.#indexBinaries();
  }

  /** Spans found in `text[from, to)` (matches extend over the whole text), added to `spans`. */
  #findIn(
    text: string,
    from: number,
    to: number,
    firstOnly: boolean,
    found: number[] | undefined,
  ): number[] | undefined {
    let spans = found;
    const buckets = this.#buckets;
    const mask = this.#mask;
    const filter = this.#filter;
    const filterMask = this.#filterMask;
    const windows = this.#scanWindows;
    const drops = this.#scanDrops;
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
          const end = this.#match(text, i, length, h, spans);
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
  #match(
    text: string,
    i: number,
    length: number,
    hash: number,
    spans: number[] | undefined,
  ): number[] | undefined {
    const slab = this.#slab;
    let bestStart = -1;
    let bestEnd = -1;
    for (let f = this.#buckets[hash & this.#mask] as number; f !== -1;) {
      const row = f * STRIDE;
      f = slab[row + NEXT] as number;
      if (slab[row + HASH] !== hash || slab[row + LENGTH] !== length) continue;
      const slot = slab[row + VALUE] as number;
      const value = this.#values[slot] as string;
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
      if (e - s < (this.#valueMinRun[slot] as number)) continue;
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
}

/** Characters JSON writes escaped: quotes, backslashes, control characters, lone surrogates. */
// eslint-disable-next-line no-control-regex -- these are exactly the characters JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Does JSON write `value` escaped? (A native scan: registration runs once per value of every ZRM request.) */
function needsJsonEscape(value: string): boolean {
  return JSON_ESCAPED.test(value);
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

interface IndexPlan {
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
function indexPlan(length: number, fragmentLength: number, maxFragments: number): IndexPlan {
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
