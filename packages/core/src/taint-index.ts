import {
  contains,
  containsBytes,
  containsRemembering,
  isEmpty,
  scrub,
  scrubJson,
  shortestMatch,
} from './taint-scan.js';
import type { TaintOwner } from './taint-owner.js';
import { TaintStore } from './taint-store.js';

export { REDACTED } from './taint-scan.js';
export { createTaintOwner, type TaintOwner } from './taint-owner.js';

/**
 * Rolling-hash index over fragments of registered values. A scan hashes every
 * window of the scanned text once, so it costs time linear in the text,
 * whatever the number of registered values. What is indexed of a value is
 * planned in taint-plan.ts, kept in taint-store.ts, and looked for in taint-scan.ts.
 */
export class TaintIndex {
  readonly #store = new TaintStore();

  /** Owners with values still registered (in-flight ZRM scopes and their grace periods). */
  get ownerCount(): number {
    return this.#store.ownerCount;
  }

  get fragmentCount(): number {
    return this.#store.live;
  }

  get isEmpty(): boolean {
    return isEmpty(this.#store);
  }

  /** Length of the shortest string that can hold registered content; Infinity when empty. */
  get shortestMatch(): number {
    return shortestMatch(this.#store);
  }

  /** Is a registered text value encoded bytes (base64, hex), so bytes must be looked at in their text forms too? */
  get holdsEncodedText(): boolean {
    return this.#store.encodedTexts > 0;
  }

  /** Registers a binary value by its text forms, indexed when a scanned text first could hold one. */
  addBinary(owner: TaintOwner, bytes: Uint8Array): void {
    this.#store.addBinary(owner, bytes);
  }

  add(owner: TaintOwner, value: string, maxFragments?: number): void {
    this.#store.add(owner, value, maxFragments);
  }

  release(owner: TaintOwner): void {
    this.#store.release(owner);
  }

  /** Releases every owner whose scope has been garbage-collected; returns how many. */
  releaseCollected(): number {
    return this.#store.releaseCollected();
  }

  /** Do these bytes hold a run of a registered binary value (or, while one is registered, of encoded bytes)? */
  containsBytes(bytes: Uint8Array): boolean {
    return containsBytes(this.#store, bytes);
  }

  /** Does `text` contain a registered value or a long-enough fragment of one? */
  contains(text: string): boolean {
    return contains(this.#store, text);
  }

  /** `contains` for short strings a sink sees again and again: a clean one is remembered until content is next added. */
  containsRemembering(text: string): boolean {
    return containsRemembering(this.#store, text);
  }

  /** `text` with every registered value and fragment replaced by a placeholder (same string when clean). */
  scrub(text: string): string {
    return scrub(this.#store, text);
  }

  /** `scrub` for a JSON text: only string tokens are scanned. */
  scrubJson(text: string): string {
    return scrubJson(this.#store, text);
  }
}
