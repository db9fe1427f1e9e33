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

/** An error a service logs or throws, with the content it carries. */
export interface ContentError {
  readonly err: Error;
  /** The class a serializer must report (`type`). */
  readonly type: string;
  /** The content it carries: canaries. */
  readonly canaries: readonly string[];
}

export type ContentErrorKind =
  | 'stringCause'
  | 'listedCause'
  | 'objectCause'
  | 'arrayCause'
  | 'chain'
  | 'cycle'
  | 'aggregate'
  | 'aggregateOfErrors'
  | 'suppressed';

/**
 * One error of each kind, its content made of fresh canaries from `mark`: a
 * string cause (hidden, as `{ cause }` makes it, and listed, as an assignment
 * makes it), a provider's error body as cause, an array cause, a chain three
 * errors deep, an error that is its own cause, a real `Promise.any`
 * AggregateError of strings, an AggregateError of errors, a SuppressedError.
 */
export async function contentErrors(
  mark: (label: string) => string,
): Promise<Record<ContentErrorKind, ContentError>> {
  const completion = mark('completion');
  const listed = mark('listed-cause');
  const body = [mark('body-message'), mark('body-detail')] as const;
  const item = mark('array-cause');
  const chain = ['outer', 'middle', 'inner', 'leaf'].map(mark);
  const loop = mark('cycle');
  const reasons = [mark('reason-a'), mark('reason-b')];
  const entries = [mark('entry-a'), mark('entry-b')];
  const disposal = [mark('disposal'), mark('suppressed')];
  const cycle = new Error(`loop ${loop}`);
  cycle.cause = cycle;
  return {
    stringCause: {
      err: new SyntaxError('Unexpected token', { cause: completion }),
      type: 'SyntaxError',
      canaries: [completion],
    },
    listedCause: {
      err: Object.assign(new SyntaxError('Unexpected token'), { cause: listed }),
      type: 'SyntaxError',
      canaries: [listed],
    },
    objectCause: {
      err: new Error('provider rejected the prompt', {
        cause: { message: body[0], detail: body[1], status: 400 },
      }),
      type: 'Error',
      canaries: body,
    },
    arrayCause: {
      err: new Error('batch failed', { cause: [item, 7] }),
      type: 'Error',
      canaries: [item],
    },
    chain: {
      err: new ProviderError(`synthesis failed: ${chain[0]}`, chain[0]!, {
        cause: new TypeError(`middle ${chain[1]}`, {
          cause: new RangeError(`inner ${chain[2]}`, {
            cause: { message: 'quota', detail: chain[3] },
          }),
        }),
      }),
      type: 'ProviderError',
      canaries: chain,
    },
    cycle: { err: cycle, type: 'Error', canaries: [loop] },
    aggregate: { err: await rejectedAny(reasons), type: 'AggregateError', canaries: reasons },
    aggregateOfErrors: {
      err: new AggregateError(
        [new TypeError(entries[0]), new ProviderError(entries[1]!, entries[1]!)],
        'every provider failed',
      ),
      type: 'AggregateError',
      canaries: entries,
    },
    suppressed: {
      err: suppressedError(new Error(disposal[0]), disposal[1], 'disposal failed'),
      type: hasSuppressedError ? 'SuppressedError' : 'Error',
      canaries: disposal,
    },
  };
}
