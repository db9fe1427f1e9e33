import {
  hasPropagatedZeroRetention,
  parseEnableLogging,
  queryValues,
  type Policy,
} from '@zrm/core';
import type { IncomingMessage } from 'node:http';
import type { RequestLogMode } from './types.js';

/**
 * The mode of a request's first log lines, read from the raw request before
 * any hook runs. A ZRM flag, or a flag that will be refused, is content-free
 * at once; when the policy still has to be asked (force, trusted baggage) the
 * lines wait until it has answered.
 */
export function earlyMode(raw: IncomingMessage, policy: Policy): RequestLogMode {
  let logging: boolean | undefined;
  try {
    logging = parseEnableLogging(queryValues(raw.url ?? '', 'enable_logging'));
  } catch {
    return 'zero-retention';
  }
  if (logging === false) return 'zero-retention';
  if (policy.force !== undefined) return 'undecided';
  if (policy.trustPropagated !== undefined && hasPropagatedZeroRetention(raw.headers.baggage))
    return 'undecided';
  return 'ordinary';
}
