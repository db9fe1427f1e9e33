/**
 * The stable codes of zrm-audit's errors (`{ "error": { "code", "message" } }`
 * under `--json`, exit code 2).
 */
export type AuditErrorCode =
  | 'usage'
  | 'unknown_option'
  | 'config_unreadable'
  | 'config_invalid'
  | 'service_unreachable'
  | 'receiver_unavailable'
  | 'report_unwritable'
  | 'internal';

/** An audit that could not run; the message names options and keys, never content. */
export class AuditError extends Error {
  readonly code: AuditErrorCode;
  /** The option or config key at fault, when there is one (a name, never a value). */
  readonly param: string | undefined;

  constructor(code: AuditErrorCode, message: string, options: { param?: string } = {}) {
    super(message);
    this.name = 'AuditError';
    this.code = code;
    this.param = options.param;
  }

  toJSON(): { error: { code: AuditErrorCode; message: string; param?: string } } {
    const { code, message, param } = this;
    return { error: param === undefined ? { code, message } : { code, message, param } };
  }
}

export function isAuditError(value: unknown): value is AuditError {
  return value instanceof AuditError || (value instanceof Error && value.name === 'AuditError');
}
