import { ZrmError, guardWrite, isZeroRetention } from '@zrm/core';
import { carriesTaint, countCrossContextBlock } from './tainted-item.js';
import type { HistoryItem, HistoryStore } from './types.js';

export interface GuardHistoryOptions {
  /** Parameter named by the `zero_retention_unavailable` error of a look-up. Default `history`. */
  param?: string | undefined;
}

const LOOK_UPS = ['get', 'list', 'delete', 'deleteOwner', 'purgeExpired'] as const;
const GUARDED = new Set<PropertyKey>(LOOK_UPS);

type Method = (...args: unknown[]) => unknown;

/**
 * The store, unless the current scope is in Zero Retention Mode: then `record`
 * writes nothing and resolves `undefined` (a blocked write is counted), and every
 * other operation rejects with `zero_retention_unavailable` before reaching the
 * store. In every other context (no scope, an ordinary scope, an ended one),
 * an item carrying content registered by an in-flight ZRM request is not
 * written either: the whole write is refused (a ZRM request leaves no row) and
 * counted as `cross-context`. Other members (`migrate`, `close`, `db`) pass through.
 */
export function guardHistory<S extends HistoryStore>(
  store: S,
  options: GuardHistoryOptions = {},
): S {
  for (const name of ['record', ...LOOK_UPS]) {
    if (typeof (store as unknown as Record<string, unknown> | null)?.[name] !== 'function') {
      throw new TypeError(`guardHistory: store.${name} must be a function`);
    }
  }
  const param = options.param ?? 'history';
  const record = guardWrite((item: HistoryItem) => store.record(item), { sink: 'history' });
  const guardedRecord = (item: HistoryItem): Promise<string | undefined> => {
    // a buffer or worker another request (or none) created may carry a ZRM request's content
    if (!isZeroRetention() && carriesTaint(item)) {
      countCrossContextBlock();
      return Promise.resolve(undefined);
    }
    return record(item) ?? Promise.resolve(undefined);
  };
  const lookUp =
    (method: Method) =>
    (...args: unknown[]): unknown =>
      isZeroRetention()
        ? Promise.reject(
            new ZrmError(
              'zero_retention_unavailable',
              'History is not available in Zero Retention Mode.',
              { param },
            ),
          )
        : method.apply(store, args);
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key) {
      if (key === 'record') return guardedRecord;
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let bound = wrapped.get(key);
      if (bound === undefined) {
        const method = value as Method;
        bound = GUARDED.has(key)
          ? lookUp(method)
          : (...args: unknown[]) => method.apply(target, args);
        wrapped.set(key, bound);
      }
      return bound;
    },
  });
}
