import { transcribePcm } from './audio.js';

/** Bytes of one character of the synthetic speech (40 ms of 16 kHz 16-bit PCM). */
export const CHARACTER_BYTES = 1_280;
/** A sample quieter than this is silence (the synthetic speech peaks near 12,000). */
const SILENCE = 200;

/** How many bytes at the end of `pcm` are silence. */
function trailingSilence(pcm: Buffer): number {
  let at = pcm.length - (pcm.length % 2);
  while (at >= 2 && Math.abs(pcm.readInt16LE(at - 2)) < SILENCE) at -= 2;
  return pcm.length - at;
}

export const isSilent = (pcm: Buffer): boolean => trailingSilence(pcm) === pcm.length;

/**
 * The audio of one segment of a realtime session and its transcript so far:
 * each chunk is decoded as it arrives, one character per whole 40 ms (silent
 * stretches give none), so a partial transcript costs only the new audio.
 */
export class SpeechSegment {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #pending: Buffer = Buffer.alloc(0);
  #text = '';
  #silentTail = 0;

  push(pcm: Buffer): void {
    this.#chunks.push(pcm);
    this.#bytes += pcm.length;
    const tail = trailingSilence(pcm);
    this.#silentTail = tail === pcm.length ? this.#silentTail + tail : tail;
    let rest = this.#pending.length === 0 ? pcm : Buffer.concat([this.#pending, pcm]);
    while (rest.length >= CHARACTER_BYTES) {
      const window = rest.subarray(0, CHARACTER_BYTES);
      if (!isSilent(window)) this.#text += transcribePcm(window);
      rest = rest.subarray(CHARACTER_BYTES);
    }
    this.#pending = Buffer.from(rest);
  }

  /** Audio bytes received in this segment. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes of silence at the end of the segment. */
  get silentTail(): number {
    return this.#silentTail;
  }

  get text(): string {
    return this.#text;
  }

  /** The segment's audio, all of it. */
  audio(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}
