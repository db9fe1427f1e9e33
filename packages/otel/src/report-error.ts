import { diag } from '@opentelemetry/api';
import type { ZrmOtelError } from './types.js';

/** Class name of what was thrown, never its message (which may quote content). */
function errorType(error: unknown): string {
  try {
    if (error instanceof Error) return error.constructor.name || 'Error';
    return typeof error;
  } catch {
    return 'unknown';
  }
}

/** Reports a failure without content; a throwing handler is ignored. */
export function reportError(
  onError: ((error: ZrmOtelError) => void) | undefined,
  where: ZrmOtelError['where'],
  action: ZrmOtelError['action'],
  error: unknown,
): void {
  const report: ZrmOtelError = { where, action, errorType: errorType(error) };
  try {
    if (onError !== undefined) onError(report);
    else diag.error(`@zrm/otel ${where}: ${action} (${report.errorType})`);
  } catch {
    // a failing error handler must not break telemetry
  }
}
