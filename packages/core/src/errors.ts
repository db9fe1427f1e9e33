import type { ZrmErrorCode } from './types.js';

const STATUS: Record<ZrmErrorCode, number> = {
  invalid_enable_logging: 400,
  zero_retention_not_allowed: 403,
  zero_retention_unavailable: 400,
  zero_retention_provider_not_allowed: 403,
  zero_retention_storage_not_allowed: 500,
  invalid_request: 400,
  not_found: 404,
  internal_error: 500,
};

/**
 * The one error type of zrm. Its message is written by zrm and never quotes
 * request content, so it is safe to log and to send to the client.
 */
export class ZrmError extends Error {
  readonly code: ZrmErrorCode;
  readonly status: number;
  /** Name of the offending parameter or field, when there is one (a name, never a value). */
  readonly param: string | undefined;

  constructor(
    code: ZrmErrorCode,
    message: string,
    options: { param?: string; status?: number } = {},
  ) {
    super(message);
    this.name = 'ZrmError';
    this.code = code;
    this.status = options.status ?? STATUS[code];
    this.param = options.param;
  }

  /** The JSON body adapters send: `{ "error": { "code", "message", "param"? } }`. */
  toJSON(): { error: { code: ZrmErrorCode; message: string; param?: string } } {
    const error: { code: ZrmErrorCode; message: string; param?: string } = {
      code: this.code,
      message: this.message,
    };
    if (this.param !== undefined) error.param = this.param;
    return { error };
  }
}

export function isZrmError(value: unknown): value is ZrmError {
  return value instanceof ZrmError || (value instanceof Error && value.name === 'ZrmError');
}
