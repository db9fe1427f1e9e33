import { binaryForms } from './binary-forms.js';
import { ByteSamples } from './byte-samples.js';
import { power, sameRun } from './taint-hash.js';
import {
  binaryCaughtRun,
  indexPlan,
  jsonEscapedForm,
  looksEncoded,
  planFragments,
} from './taint-plan.js';
import { addOwnValue, createTaintOwner, type SharedValue, type TaintOwner } from './taint-owner.js';
import type { TaintOptions } from './types.js';

const MIN_BUCKETS = 1 << 16;
const FILTER_BITS_PER_BUCKET = 16;
const MIN_FRAGMENTS = 1 << 10;

// A fragment is a row of STRIDE int32s in the slab: no object per fragment.
export const HASH = 0;
export const START = 1;
export const LENGTH = 2; // 0 marks a free row
export const VALUE = 3;
export const NEXT = 4; // next fragment in the same bucket (free rows: next free row)
const PREV = 5; // previous fragment in the same bucket, -1 for the first
const OWNER_NEXT = 6; // the owner's previous fragment, -1 for its first
const OWNER = 7;
export const STRIDE = 8;

/**
 * The storage of the taint index: fragments of registered values, their
 * owners, and the tables a scan reads (taint-scan.ts reads the fields; only
 * this class writes them).
 *
 * Fragments live in one growable Int32Array (a row each), chained per hash
 * bucket and per owner, so registering and releasing a value allocates no
 * object per fragment and leaves nothing for the garbage collector.
 */
export class TaintStore {
  slab = new Int32Array(MIN_FRAGMENTS * STRIDE);
  /** Rows ever used (high-water mark). */
  rows = 0;
  freeRow = -1;
  /** Live fragments. */
  live = 0;
  buckets = new Int32Array(MIN_BUCKETS).fill(-1);
  mask = MIN_BUCKETS - 1;
  /**
   * Quick reject: one bit per hash (FILTER_BITS_PER_BUCKET per bucket) set for
   * every fragment inserted. A scan reads this small table at every window and
   * the bucket chains only on a set bit, so a clean text costs a pass over
   * memory that stays in cache. Released fragments leave their bits set until
   * the filter is rebuilt (a false positive costs one bucket read).
   */
  filter = new Int32Array((MIN_BUCKETS * FILTER_BITS_PER_BUCKET) >>> 5);
  filterMask = ((MIN_BUCKETS * FILTER_BITS_PER_BUCKET) >>> 5) - 1;
  /** Bits set since the filter was last rebuilt. */
  filterSets = 0;
  /** Window lengths with fragments in the index, for the scan (an array: no iterator per scan). */
  scanWindows: number[] = [];
  /** `power(length)` of each scan window, for the rolling hash. */
  scanDrops: number[] = [];
  /** Bumped whenever content is added: a text found clean stays clean until then. */
  generation = 0;
  /** Short texts found clean, with the generation they were found clean at (see `containsRemembering`). */
  readonly clean = new Map<string, number>();
  /** Minimum run → number of live values matched from that many characters on. */
  readonly #runCounts = new Map<number, number>();
  /** The shortest run any live value matches from: a shorter text cannot hold a match. */
  shortestRun = Infinity;
  readonly values: (string | undefined)[] = [];
  readonly #valueWindow: number[] = [];
  readonly #valueFragments: number[] = [];
  /** Shortest common run that counts as a match: fragmentLength, or the whole of a short value. */
  readonly valueMinRun: number[] = [];
  readonly #freeValues: number[] = [];
  /** Window length → number of fragments of that length in the index (0: none left). */
  readonly #windowLengths = new Map<number, number>();
  readonly #owners: (TaintOwner | undefined)[] = [];
  readonly #freeOwners: number[] = [];
  #ownerCount = 0;
  /** Sampled windows of every registered binary value, to find them in other bytes. */
  readonly byteSamples = new ByteSamples();
  /** Registered text values that look like encoded bytes (a long base64 or hex run). */
  encodedTexts = 0;
  /** Entered owners that are internal (shared values), not requests. */
  #internalCount = 0;
  /** Shared values by policy taint options, then by text. */
  readonly #sharedValues = new Map<Readonly<TaintOptions>, Map<string, SharedValue>>();
  /** Owners with binary values not indexed yet, and the shortest run any of those could be caught in. */
  readonly pending: TaintOwner[] = [];
  pendingRun = Infinity;

  /** Owners with values still registered (in-flight ZRM scopes and their grace periods). */
  get ownerCount(): number {
    return this.#ownerCount - this.#internalCount;
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
    if (owner.released || bytes.byteLength === 0) return;
    const shortest = binaryCaughtRun(bytes.byteLength, owner.options);
    if (shortest === Infinity) return;
    if (owner.id === -1) this.#enter(owner);
    const copy = Uint8Array.prototype.slice.call(bytes);
    owner.binaries.push(copy);
    this.byteSamples.add(copy);
    owner.sampled.push(copy);
    if (owner.pendingAt === -1) {
      owner.pendingAt = this.pending.length;
      this.pending.push(owner);
    }
    this.pendingRun = Math.min(this.pendingRun, shortest);
    this.generation++;
  }

  add(owner: TaintOwner, value: string, maxFragments = owner.options.maxFragmentsPerValue): void {
    const options = owner.options;
    if (owner.released || value.length < options.minLength || !addOwnValue(owner, value)) return;
    if (owner.id === -1) this.#enter(owner);
    if (looksEncoded(value)) {
      owner.encodedTexts++;
      this.encodedTexts++;
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
      const escaped = jsonEscapedForm(value);
      if (escaped !== undefined) this.#addValue(holder, escaped, maxFragments);
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
    const slot = this.#freeValues.pop() ?? this.values.length;
    this.values[slot] = value;
    owner.valueSlots.push(slot);
    const plan = indexPlan(value.length, options.fragmentLength, maxFragments);
    const window = plan.window;
    const fragments = planFragments(value, plan, options.fragmentLength);
    let added = 0;
    for (let i = 0; i < fragments.count; i++) {
      const hash = fragments.hashes[i] as number;
      added += this.#insert(owner, hash, fragments.starts[i] as number, window, slot, value);
    }
    this.valueMinRun[slot] = plan.minRun;
    this.#countRun(plan.minRun, 1);
    this.#valueWindow[slot] = window;
    this.#valueFragments[slot] = added;
    if (added > 0) this.#countWindow(window, added);
    this.generation++;
  }

  #countRun(run: number, delta: number): void {
    const before = this.#runCounts.get(run) ?? 0;
    const after = Math.max(0, before + delta);
    this.#runCounts.set(run, after);
    if ((before === 0) !== (after === 0)) {
      let shortest = Infinity;
      for (const [length, count] of this.#runCounts)
        if (count > 0 && length < shortest) shortest = length;
      this.shortestRun = shortest;
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
      this.scanWindows = windows.sort((a, b) => a - b);
      this.scanDrops = this.scanWindows.map(power);
    }
  }

  release(owner: TaintOwner): void {
    if (owner.released) return;
    owner.released = true;
    for (const bytes of owner.sampled) this.byteSamples.remove(bytes);
    owner.sampled = [];
    this.encodedTexts -= owner.encodedTexts;
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
    const slab = this.slab;
    const buckets = this.buckets;
    for (let f = owner.lastFragment; f !== -1;) {
      const row = f * STRIDE;
      const next = slab[row + NEXT] as number;
      const prev = slab[row + PREV] as number;
      if (prev === -1) buckets[(slab[row + HASH] as number) & this.mask] = next;
      else slab[prev * STRIDE + NEXT] = next;
      if (next !== -1) slab[next * STRIDE + PREV] = prev;
      const ownerNext = slab[row + OWNER_NEXT] as number;
      slab[row + LENGTH] = 0;
      slab[row + NEXT] = this.freeRow;
      this.freeRow = f;
      this.live--;
      f = ownerNext;
    }
    owner.lastFragment = -1;
    for (const slot of owner.valueSlots) {
      this.values[slot] = undefined;
      const fragments = this.#valueFragments[slot] as number;
      if (fragments > 0) this.#countWindow(this.#valueWindow[slot] as number, -fragments);
      this.#countRun(this.valueMinRun[slot] as number, -1);
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
    if (this.#ownerCount === 0) this.clean.clear();
    if (this.#ownerCount === 0 && this.rows > MIN_FRAGMENTS) this.#reset();
    else if (this.filterSets > 2 * this.live + MIN_FRAGMENTS) this.#rebuildFilter();
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

  #unpend(owner: TaintOwner): void {
    const at = owner.pendingAt;
    if (at === -1) return;
    owner.pendingAt = -1;
    const last = this.pending.pop() as TaintOwner;
    if (last !== owner) {
      this.pending[at] = last;
      last.pendingAt = at;
    }
    if (this.pending.length === 0) this.pendingRun = Infinity;
  }

  /** Indexes the text forms of every pending binary value. */
  indexBinaries(): void {
    const owners = this.pending.splice(0);
    this.pendingRun = Infinity;
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
    if (this.slab.length > MIN_FRAGMENTS * STRIDE)
      this.slab = new Int32Array(MIN_FRAGMENTS * STRIDE);
    // every fragment was unlinked, so every bucket is empty already: only a grown table is replaced
    if (this.buckets.length > MIN_BUCKETS) {
      this.buckets = new Int32Array(MIN_BUCKETS).fill(-1);
      this.mask = MIN_BUCKETS - 1;
    }
    this.rows = 0;
    this.freeRow = -1;
    this.live = 0;
    this.values.length = 0;
    this.#valueWindow.length = 0;
    this.#valueFragments.length = 0;
    this.valueMinRun.length = 0;
    this.#freeValues.length = 0;
    this.#owners.length = 0;
    this.#freeOwners.length = 0;
    this.#sharedValues.clear();
    this.#windowLengths.clear();
    this.scanWindows = [];
    this.scanDrops = [];
    this.clean.clear();
    this.#runCounts.clear();
    this.shortestRun = Infinity;
    this.#rebuildFilter();
  }

  /** A filter sized to the bucket table, with the bits of live fragments only. */
  #rebuildFilter(): void {
    const words = (this.buckets.length * FILTER_BITS_PER_BUCKET) >>> 5;
    if (this.filter.length === words) this.filter.fill(0);
    else this.filter = new Int32Array(words);
    this.filterMask = words - 1;
    const slab = this.slab;
    const filter = this.filter;
    const mask = this.filterMask;
    for (let f = 0; f < this.rows; f++) {
      const row = f * STRIDE;
      if (slab[row + LENGTH] === 0) continue;
      const h = slab[row + HASH] as number;
      const word = (h >>> 5) & mask;
      filter[word] = (filter[word] as number) | (1 << (h & 31));
    }
    this.filterSets = this.live;
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
    let slab = this.slab;
    const bucket = hash & this.mask;
    // a repeated run ("yyyy…") is indexed once per value: the owner's own latest fragments head the chain.
    // (Only within one value: a hit is extended against the fragment's own value, so a run shared by two
    // values must be indexed for each, or a match in the second would be cut short by the first.)
    for (let f = this.buckets[bucket] as number; f !== -1;) {
      const row = f * STRIDE;
      if (slab[row + OWNER] !== owner.id) break;
      if (
        slab[row + VALUE] === slot &&
        slab[row + HASH] === hash &&
        slab[row + LENGTH] === length &&
        sameRun(
          this.values[slab[row + VALUE] as number] as string,
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
    let f = this.freeRow;
    if (f !== -1) {
      this.freeRow = slab[f * STRIDE + NEXT] as number;
    } else {
      f = this.rows++;
      if (f * STRIDE >= slab.length) {
        const grown = new Int32Array(slab.length * 2);
        grown.set(slab);
        this.slab = slab = grown;
      }
    }
    const row = f * STRIDE;
    const head = this.buckets[bucket] as number;
    slab[row + HASH] = hash;
    slab[row + START] = start;
    slab[row + LENGTH] = length;
    slab[row + VALUE] = slot;
    slab[row + NEXT] = head;
    slab[row + PREV] = -1;
    slab[row + OWNER_NEXT] = owner.lastFragment;
    slab[row + OWNER] = owner.id;
    if (head !== -1) slab[head * STRIDE + PREV] = f;
    this.buckets[bucket] = f;
    const word = (hash >>> 5) & this.filterMask;
    this.filter[word] = (this.filter[word] as number) | (1 << (hash & 31));
    this.filterSets++;
    owner.lastFragment = f;
    if (++this.live > this.buckets.length * 2) this.#grow();
    return 1;
  }

  /** More buckets once chains grow long: every live fragment is re-chained. */
  #grow(): void {
    const size = this.buckets.length * 2;
    const buckets = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const slab = this.slab;
    // rows are walked from the last, so each chain keeps newer fragments first
    for (let f = this.rows - 1; f >= 0; f--) {
      const row = f * STRIDE;
      if (slab[row + LENGTH] === 0) continue;
      const bucket = (slab[row + HASH] as number) & mask;
      const head = buckets[bucket] as number;
      slab[row + NEXT] = head;
      slab[row + PREV] = -1;
      if (head !== -1) slab[head * STRIDE + PREV] = f;
      buckets[bucket] = f;
    }
    this.buckets = buckets;
    this.mask = mask;
    this.#rebuildFilter();
  }
}
