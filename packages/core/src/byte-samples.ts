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

interface Sample {
  readonly bytes: Uint8Array;
  readonly at: number;
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

function sameWindow(a: Uint8Array, ai: number, b: Uint8Array, bi: number): boolean {
  for (let j = 0; j < WINDOW; j++) if (a[ai + j] !== b[bi + j]) return false;
  return true;
}

const FILTER_WORDS = 1 << 11; // 65,536 bits: stays in cache; a set bit sends the window to the map

export class ByteSamples {
  readonly #samples = new Map<number, Sample[]>();
  #filter = new Int32Array(FILTER_WORDS);

  get isEmpty(): boolean {
    return this.#samples.size === 0;
  }

  /**
   * Samples `bytes` (a copy the caller keeps until `remove`); returns the hashes
   * to remove it by. Any run of at least `caught(length)` bytes holds a sample.
   */
  add(bytes: Uint8Array): number[] {
    if (bytes.length < WINDOW) return [];
    const stride = strideFor(bytes.length);
    const hashes: number[] = [];
    for (let at = 0; at + WINDOW <= bytes.length; at += stride) {
      const h = hashAt(bytes, at);
      const word = (h >>> 5) & (FILTER_WORDS - 1);
      this.#filter[word] = (this.#filter[word] as number) | (1 << (h & 31));
      let list = this.#samples.get(h);
      if (list === undefined) this.#samples.set(h, (list = []));
      list.push({ bytes, at });
      hashes.push(h);
    }
    return hashes;
  }

  remove(bytes: Uint8Array, hashes: readonly number[]): void {
    for (const h of hashes) {
      const list = this.#samples.get(h);
      if (list === undefined) continue;
      const left = list.filter((sample) => sample.bytes !== bytes);
      if (left.length === 0) this.#samples.delete(h);
      else this.#samples.set(h, left);
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
          for (const sample of list) if (sameWindow(bytes, i, sample.bytes, sample.at)) return true;
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
