import { REDACTED, redact, type Policy } from '@zrm/core';

interface RequestLike {
  method?: unknown;
  url?: unknown;
  host?: unknown;
  ip?: unknown;
  socket?: { remotePort?: unknown } | null;
}

/** The key every ZRM line carries (`"zrm":true`), as `@zrm/pino` writes it. */
const MARKER = 'zrm';

const FLAG = /([?&]enable_logging=)([^&#]*)/gi;
const VALID_FLAG = /^(?:true|false|1|0)$/i;
const HAS_INVALID_FLAG = /[?&]enable_logging=(?!(?:true|false|1|0)(?:[&#]|$))/i;

/** `enable_logging` is metadata only when valid: a refused value may be anything, so it is redacted. */
function redactInvalidFlag(url: unknown): unknown {
  if (typeof url !== 'string' || !HAS_INVALID_FLAG.test(url)) return url;
  return url.replace(FLAG, (match, head: string, value: string) =>
    VALID_FLAG.test(value) ? match : head + REDACTED,
  );
}

/**
 * A content-free stand-in for a request in a log line, shaped so that
 * Fastify's and pino's `req` serializers read it as they read a request:
 * method, URL with its query values redacted, host and peer address.
 */
function requestSummary(value: unknown, policy: Policy): unknown {
  if (typeof value !== 'object' || value === null)
    return redact(value, { zeroRetention: true, policy });
  try {
    const req = value as RequestLike;
    const summary = {
      method: req.method,
      url: redactInvalidFlag(req.url),
      host: req.host,
      ip: req.ip,
      socket: { remotePort: req.socket?.remotePort },
      headers: {},
    };
    return redact(summary, { zeroRetention: true, policy });
  } catch {
    return REDACTED;
  }
}

function replySummary(value: unknown): unknown {
  try {
    return { statusCode: (value as { statusCode?: unknown } | null)?.statusCode };
  } catch {
    return REDACTED;
  }
}

function errorMessage(value: unknown): string | undefined {
  try {
    return value instanceof Error ? value.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The arguments of one log call of a ZRM request, made content-free: the
 * merge object through the core redactor (with `req` and `res` replaced by
 * summaries), message and interpolation values scrubbed of registered
 * content, and a message that repeats the logged error's text replaced.
 */
export function redactLogArgs(args: readonly unknown[], policy: Policy): unknown[] {
  const out: unknown[] = new Array<unknown>(args.length);
  const first = args[0];
  let quoted: string | undefined;
  let start = 0;
  if (first instanceof Error) {
    quoted = errorMessage(first);
    const err = redact(first, { zeroRetention: true, policy }) as { message?: unknown };
    out[0] = { err, [MARKER]: true };
    // pino takes the message of an error logged alone: the redacted one's
    if (typeof args[1] !== 'string') out.splice(1, 0, err.message);
    start = 1;
  } else if (typeof first === 'object' && first !== null) {
    const rest: Record<string, unknown> = {};
    const merged: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      let value: unknown;
      try {
        value = (first as Record<string, unknown>)[key];
      } catch {
        value = REDACTED;
      }
      if (key === 'req') merged.req = requestSummary(value, policy);
      else if (key === 'res') merged.res = replySummary(value);
      else {
        if (key === 'err' || key === 'error') quoted ??= errorMessage(value);
        rest[key] = value;
      }
    }
    out[0] = Object.assign(
      redact(rest, { zeroRetention: true, policy }) as Record<string, unknown>,
      merged,
      { [MARKER]: true },
    );
    start = 1;
  } else {
    // a message (or nothing) alone: the marker goes in front as the merging object
    out.unshift({ [MARKER]: true });
  }
  const shift = out.length - args.length;
  for (let i = start; i < args.length; i++) {
    const arg = args[i];
    out[i + shift] =
      quoted !== undefined && arg === quoted
        ? REDACTED
        : redact(arg, { zeroRetention: true, policy });
  }
  return out;
}
