/**
 * Percent-decodes one URL component, `+` read as a space (the query form).
 * Strict: a malformed escape gives `undefined`, never a guess, so a caller
 * keeps the raw text (content stays registered; a flag fails validation).
 */
export function decodeComponent(part: string): string | undefined {
  if (!part.includes('%') && !part.includes('+')) return part;
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** True for a promise or any other thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
