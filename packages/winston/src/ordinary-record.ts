import { redact } from '@zrm/core';
import { MESSAGE, SPLAT } from './symbols.js';
import type { WinstonInfo } from './types.js';

/** Sink name in `cross-context` events. */
export const SINK = 'winston';

/** A copy with every own property (symbols and hidden ones too) of `info`, on its prototype. */
function cloneOf(info: object): Record<string | symbol, unknown> {
  return Object.create(
    Object.getPrototypeOf(info) as object | null,
    Object.getOwnPropertyDescriptors(info),
  ) as Record<string | symbol, unknown>;
}

/**
 * A record written outside a ZRM scope while ZRM requests are in flight: the
 * record itself when none of its strings (fields at any depth, interpolation
 * arguments, a finished line) holds their registered content; otherwise a
 * copy with that content removed, counted once as `cross-context`.
 */
export function scrubbedRecord(info: WinstonInfo): WinstonInfo {
  const parts = [info, info[SPLAT], info[MESSAGE]];
  const out = redact(parts, { sink: SINK }) as unknown[];
  if (out === parts) return info;
  const [fields, splat, message] = out;
  let record: Record<string | symbol, unknown>;
  if (fields === info || typeof fields !== 'object' || fields === null) {
    record = cloneOf(info);
  } else {
    record = fields as Record<string | symbol, unknown>;
    for (const key of Object.getOwnPropertySymbols(info)) record[key] = info[key];
  }
  if (splat !== info[SPLAT]) record[SPLAT] = splat;
  if (message !== info[MESSAGE]) record[MESSAGE] = message;
  return record as WinstonInfo;
}
