/**
 * Errors that carry content where services put it: in a cause of any type,
 * in the reasons of an AggregateError, in what a SuppressedError holds. Shared
 * by the leak tests of every package.
 */

/** A provider's error: a class of its own, metadata fields and a content field. */
export class ProviderError extends Error {
  status = 502;
  code = 'upstream_failed';
  constructor(
    message: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What a real `Promise.any` rejects with when every promise rejects with a string: an AggregateError of those strings. */
export async function rejectedAny(reasons: readonly string[]): Promise<AggregateError> {
  try {
    // the point: reasons that are strings, as callers reject with them
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    await Promise.any(reasons.map((reason) => Promise.reject(reason)));
  } catch (error) {
    return error as AggregateError;
  }
  throw new Error('Promise.any resolved');
}

type SuppressedErrorClass = new (error: unknown, suppressed: unknown, message?: string) => Error;
const NativeSuppressedError = (globalThis as { SuppressedError?: SuppressedErrorClass })
  .SuppressedError;

/** Whether the runtime has SuppressedError (Node 24 does, Node 20 does not). */
export const hasSuppressedError = typeof NativeSuppressedError === 'function';

/**
 * The runtime's SuppressedError; without one (Node 20), an error built as the
 * proposal specifies it: `error` and `suppressed` as hidden own properties.
 */
export function suppressedError(error: unknown, suppressed: unknown, message: string): Error {
  if (NativeSuppressedError !== undefined)
    return new NativeSuppressedError(error, suppressed, message);
  const out = new Error(message);
  Object.defineProperty(out, 'name', { value: 'SuppressedError', configurable: true });
  Object.defineProperty(out, 'error', { value: error, writable: true, configurable: true });
  Object.defineProperty(out, 'suppressed', {
    value: suppressed,
    writable: true,
    configurable: true,
  });
  return out;
}
