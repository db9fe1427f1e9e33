/** Multiplier of the polynomial rolling hash over UTF-16 code units (the 32-bit FNV prime). */
export const BASE = 0x01000193;

/** `BASE ** (length - 1)`: what the first character of a window weighs, dropped when the window rolls on. */
export function power(length: number): number {
  let p = 1;
  for (let i = 1; i < length; i++) p = Math.imul(p, BASE);
  return p;
}

/** The hash of `text[start, start + length)`. */
export function hashAt(text: string, start: number, length: number): number {
  let h = 0;
  for (let i = start; i < start + length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** Do `a` from `ai` and `b` from `bi` hold the same `length` characters? */
export function sameRun(a: string, ai: number, b: string, bi: number, length: number): boolean {
  for (let j = 0; j < length; j++) if (a.charCodeAt(ai + j) !== b.charCodeAt(bi + j)) return false;
  return true;
}
