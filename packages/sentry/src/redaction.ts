import { currentScope, redact, REDACTED, type Policy } from '@zrm/core';
import { emitRedaction, inFlightTaintCount } from '@zrm/core/adapter';
import type { ResolvedOptions } from './options.js';
import type { Fields } from './types.js';

/** The sink named in `onRedaction` events. */
export const SINK = 'sentry';

/**
 * How one item (event, breadcrumb, span, log record) is cleaned. In ZRM it
 * becomes content-free; otherwise only registered content of in-flight ZRM
 * requests is removed from it (counted by `@zrm/core` as `cross-context`).
 */
export interface Redaction {
  readonly zrm: boolean;
  readonly policy: Policy | undefined;
  readonly safeHeaders: ReadonlySet<string>;
  /** Values replaced by this package in ZRM (what `redact` replaces, it counts itself). */
  replaced: number;
}

export function redaction(policy: Policy | undefined, options: ResolvedOptions): Redaction {
  return { zrm: policy !== undefined, policy, safeHeaders: options.safeHeaders, replaced: 0 };
}

/** Is there anything to do for an item that is not ZRM? Only while ZRM content is registered. */
export function needsCleaning(policy: Policy | undefined): boolean {
  return policy !== undefined || inFlightTaintCount() > 0;
}

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` without content: in ZRM by key, type and taint (`redact`), elsewhere by taint. */
export function cleanValue(r: Redaction, value: unknown): unknown {
  return redact(value, { zeroRetention: r.zrm, sink: SINK, ...(r.policy && { policy: r.policy }) });
}

/** A value that is content in ZRM (a message, an exception value): a placeholder there, cleaned elsewhere. */
export function content(r: Redaction, value: unknown): unknown {
  if (!r.zrm) return cleanValue(r, value);
  if (value === undefined || value === null || value === REDACTED) return value;
  r.replaced++;
  return REDACTED;
}

/** `list` with each item cleaned; anything that is not an array is cleaned as a value. */
export function cleanList(r: Redaction, list: unknown, item: (value: unknown) => unknown): unknown {
  return Array.isArray(list) ? list.map(item) : cleanValue(r, list);
}

/** A copy of `record` with each field cleaned by `field`; `undefined` results are left out. */
export function cleanRecord(
  r: Redaction,
  record: unknown,
  field: (key: string, value: unknown) => unknown,
): unknown {
  if (!isRecord(record)) return cleanValue(r, record);
  const out: Fields = {};
  for (const key of Object.keys(record)) {
    const value = field(key, record[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Reports what a ZRM item lost (content-free: a count, the sink, the request id). */
export function reportRedacted(r: Redaction): void {
  if (!r.zrm || r.replaced === 0 || r.policy === undefined) return;
  const scope = currentScope();
  if (scope !== undefined) scope.counters.redactedFields += r.replaced;
  emitRedaction(r.policy, {
    kind: 'redacted',
    count: r.replaced,
    sink: SINK,
    requestId: scope?.requestId,
  });
}

/** Counts an item that could not be cleaned and was dropped. */
export function reportDropped(policy: Policy | undefined): void {
  const scope = currentScope();
  const target = policy ?? scope?.policy;
  if (scope !== undefined) scope.counters.droppedRecords++;
  if (target !== undefined) {
    emitRedaction(target, {
      kind: 'dropped-record',
      count: 1,
      sink: SINK,
      requestId: scope?.requestId,
    });
  }
}
