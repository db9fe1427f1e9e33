/**
 * Registered binary values, found in other bytes without making their text
 * forms: a few windows of each are hashed at registration, and a check rolls
 * one hash over the bytes looked at. A sink that stores bytes (history audio)
 * asks this instead of scanning seven text forms of every ordinary upload.
 */

/** Bytes per sampled window. */
const WINDOW = 32;
/** Windows sampled per value at most: the stride grows with the value. */
const MAX_SAMPLES = 256;
const BASE = 0x01000193;

/** One distinct window, with how many registered values hold it (audio of two requests often shares some). */
interface Sample {
  /** A copy of the window's bytes: no reference into any request's own copy. */
  readonly window: Uint8Array;
  count: number;
}

function hashAt(bytes: Uint8Array, start: number): number {
  let h = 0;
  for (let i = start; i < start + WINDOW; i++) h = (Math.imul(h, BASE) + (bytes[i] as number)) | 0;
  return h;
}

function power(): number {
  let p = 1;
  for (let i = 1; i < WINDOW; i++) p = Math.imul(p, BASE);
  return p;
}
const DROP = power();

function sameWindow(a: Uint8Array, ai: number, window: Uint8Array): boolean {
  for (let j = 0; j < WINDOW; j++) if (a[ai + j] !== window[j]) return false;
  return true;
}

/**
 * Silence and near-constant runs (digital zeros, a DC offset, low noise) are in
 * every recording: a window of fewer than MIN_DISTINCT byte values is not
 * sampled, or every ordinary upload would match every ZRM one.
 */
const MIN_DISTINCT = 6;

function isDistinctive(bytes: Uint8Array, at: number): boolean {
  const seen = new Set<number>();
  for (let i = at; i < at + WINDOW; i++) {
    seen.add(bytes[i] as number);
    if (seen.size >= MIN_DISTINCT) return true;
  }
  return false;
}

/** Offsets of the windows sampled from a value of `length` bytes. */
function* sampleOffsets(length: number): Generator<number> {
  const stride = strideFor(length);
  for (let at = 0; at + WINDOW <= length; at += stride) yield at;
}

const FILTER_WORDS = 1 << 11; // 65,536 bits: stays in cache; a set bit sends the window to the map

export class ByteSamples {
  readonly #samples = new Map<number, Sample[]>();
  #filter = new Int32Array(FILTER_WORDS);

  get isEmpty(): boolean {
    return this.#samples.size === 0;
  }

  /**
   * Samples `bytes` (the caller keeps it until `remove`): any run of at least
   * `caughtRun(length)` bytes of it holds a sample, unless the run is silence.
   */
  add(bytes: Uint8Array): void {
    for (const at of sampleOffsets(bytes.length)) {
      if (!isDistinctive(bytes, at)) continue;
      const h = hashAt(bytes, at);
      const word = (h >>> 5) & (FILTER_WORDS - 1);
      this.#filter[word] = (this.#filter[word] as number) | (1 << (h & 31));
      let list = this.#samples.get(h);
      if (list === undefined) this.#samples.set(h, (list = []));
      const same = list.find((sample) => sameWindow(bytes, at, sample.window));
      if (same !== undefined) same.count++;
      else list.push({ window: bytes.slice(at, at + WINDOW), count: 1 });
    }
  }

  /** Forgets the samples of a value `add` was given. */
  remove(bytes: Uint8Array): void {
    for (const at of sampleOffsets(bytes.length)) {
      if (!isDistinctive(bytes, at)) continue;
      const h = hashAt(bytes, at);
      const list = this.#samples.get(h);
      if (list === undefined) continue;
      const i = list.findIndex((sample) => sameWindow(bytes, at, sample.window));
      if (i === -1) continue;
      const sample = list[i] as Sample;
      if (--sample.count > 0) continue;
      list.splice(i, 1);
      if (list.length === 0) this.#samples.delete(h);
    }
    // released windows leave their bits set until nothing is left
    if (this.#samples.size === 0) this.#filter.fill(0);
  }

  /** Does `bytes` hold one of the sampled windows (so a run of a registered value)? */
  containedIn(bytes: Uint8Array): boolean {
    if (this.#samples.size === 0 || bytes.length < WINDOW) return false;
    const filter = this.#filter;
    let h = hashAt(bytes, 0);
    const last = bytes.length - WINDOW;
    for (let i = 0; ; i++) {
      if ((filter[(h >>> 5) & (FILTER_WORDS - 1)] as number) & (1 << (h & 31))) {
        const list = this.#samples.get(h);
        if (list !== undefined)
          for (const sample of list) if (sameWindow(bytes, i, sample.window)) return true;
      }
      if (i === last) return false;
      h =
        (Math.imul(h - Math.imul(bytes[i] as number, DROP), BASE) + (bytes[i + WINDOW] as number)) |
        0;
    }
  }
}

function strideFor(length: number): number {
  return Math.max(WINDOW, Math.ceil((length - WINDOW + 1) / MAX_SAMPLES));
}

/** The shortest run of a registered value of `length` bytes that is sure to be found. */
export function caughtRun(length: number): number {
  return strideFor(length) + WINDOW - 1;
}
