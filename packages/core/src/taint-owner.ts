import type { TaintOptions } from './types.js';

/** Beyond this many values an owner checks repeats with a Set instead of a scan. */
const VALUES_AS_ARRAY = 16;

/** Who registered values: one per scope. Released once, after which it registers nothing. */
export interface TaintOwner {
  readonly options: Readonly<TaintOptions>;
  /** The values registered, so that each is indexed once (a Set once there are many). */
  values: string[] | Set<string>;
  /** Slots (in the index's value table) of this owner's values. */
  readonly valueSlots: number[];
  /** This owner's most recent fragment in the slab (the start of its list), or -1. */
  lastFragment: number;
  /** Slot in the index's owner table while it has values there, -1 otherwise. */
  id: number;
  /** Binary values (copies) whose text forms are not indexed yet. */
  binaries: Uint8Array[];
  /** Every binary value (copies) whose windows are sampled (see `ByteSamples`). */
  sampled: Uint8Array[];
  /** How many of this owner's text values look like base64 or hex (encoded bytes). */
  encodedTexts: number;
  /** Position in the index's list of owners with such values, -1 when none. */
  pendingAt: number;
  /** The scope the values belong to: once it is garbage-collected, they are released. */
  readonly scope: WeakRef<object> | undefined;
  released: boolean;
  /** The shared values this owner holds a reference to (see `SharedValue`). */
  shared: SharedValue[];
  /** An index-internal owner: holds the fragments of one shared value, for every scope that registered it. */
  internal: boolean;
}

/**
 * One distinct registered text, indexed once however many in-flight requests
 * registered it (a system prompt, a greeting every request starts with): its
 * fragments belong to an internal owner, released when the last request
 * holding it is. Without it, a scan hit would verify one copy per request.
 */
export interface SharedValue {
  readonly key: string;
  readonly holder: TaintOwner;
  refs: number;
}

export function createTaintOwner(options: Readonly<TaintOptions>, scope?: object): TaintOwner {
  return {
    options,
    scope: scope === undefined ? undefined : new WeakRef(scope),
    values: [],
    valueSlots: [],
    lastFragment: -1,
    id: -1,
    binaries: [],
    sampled: [],
    encodedTexts: 0,
    pendingAt: -1,
    released: false,
    shared: [],
    internal: false,
  };
}

/** Adds `value` to the owner's set of values; false when it was there already. */
export function addOwnValue(owner: TaintOwner, value: string): boolean {
  const values = owner.values;
  if (Array.isArray(values)) {
    if (values.includes(value)) return false;
    values.push(value);
    if (values.length > VALUES_AS_ARRAY) owner.values = new Set(values);
    return true;
  }
  if (values.has(value)) return false;
  values.add(value);
  return true;
}
