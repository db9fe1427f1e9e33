import { ZrmError } from './errors.js';
import { emitRedaction } from './events.js';
import { state } from './state.js';

/**
 * Wraps a sink's write: in a ZRM scope the write does not happen, `undefined`
 * is returned and a blocked write is counted; elsewhere `fn` runs unchanged.
 */
export function guardWrite<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: { sink: string },
): (...args: A) => R | undefined {
  if (typeof fn !== 'function') throw new TypeError('guardWrite: fn must be a function');
  const sink = options.sink;
  return function guarded(this: unknown, ...args: A): R | undefined {
    const scope = state.storage.getStore();
    if (scope === undefined || !scope.zeroRetention) return fn.apply(this, args);
    scope.counters.blockedWrites++;
    emitRedaction(scope.policy, {
      kind: 'blocked-write',
      count: 1,
      sink,
      requestId: scope.requestId,
    });
    return undefined;
  };
}

/** Throws `zero_retention_provider_not_allowed` when a ZRM scope calls a provider not on the allow-list. */
export function assertProviderAllowed(name: string): void {
  const scope = state.storage.getStore();
  if (scope === undefined || !scope.zeroRetention) return;
  if (scope.policy.providers.has(String(name).toLowerCase())) return;
  throw new ZrmError(
    'zero_retention_provider_not_allowed',
    'This provider is not allowed in Zero Retention Mode.',
    { param: 'provider' },
  );
}
