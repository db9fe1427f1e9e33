import { isZrmError } from '@zrm/core';
import type { HistoryFault } from './types.js';

const SAFE_CODE = /^[A-Za-z0-9_]{1,40}$/;

/**
 * A report of `error` that cannot carry content: driver errors quote queries,
 * parameters and JSON input (PGlite even attaches them), so only a code is kept.
 */
export function toFault(
  operation: HistoryFault['operation'],
  error: unknown,
  requestId?: string | null,
): HistoryFault {
  let code = 'unknown';
  if (isZrmError(error)) code = error.code;
  else if (typeof error === 'object' && error !== null) {
    const raw = (error as { code?: unknown }).code;
    if (typeof raw === 'string' && SAFE_CODE.test(raw)) code = raw;
  }
  const fault: HistoryFault = {
    operation,
    code,
    message: `History ${operation} failed (${code}).`,
  };
  if (requestId !== undefined && requestId !== null) fault.requestId = requestId;
  return fault;
}

function warn(fault: HistoryFault): void {
  process.emitWarning(fault.message, { code: 'ZRM_HISTORY_FAULT' });
}

/** Sends a fault to the hook (a process warning when there is none); a throwing hook is ignored. */
export function reportFault(
  hook: ((fault: HistoryFault) => void) | undefined,
  fault: HistoryFault,
): void {
  try {
    (hook ?? warn)(fault);
  } catch {
    // a reporting hook must not break the request
  }
}
