import winston from 'winston';
import type { WinstonInfo } from './types.js';

/** What a `zeroRetentionFormat` does at write time, in the caller's async context. */
export interface WriteTimeFormat {
  /** The record to write instead of `info` (prepared and remembered for the format's transform). */
  prepareAtWrite(
    info: WinstonInfo,
    logger: { defaultMeta?: unknown },
    childError: Error | undefined,
  ): WinstonInfo;
}

export const FORMAT = Symbol.for('@zrm/winston.format.v1');
const HOOKED = Symbol.for('@zrm/winston.logger-hook.v1');

interface Shared {
  /** The error a child logger is writing right now: its record is a copy of it. */
  childError: Error | undefined;
}

// One per process, shared by every copy of @zrm/winston.
const KEY = Symbol.for('@zrm/winston.shared.v1');
const holder = globalThis as { [KEY]?: Shared };
const shared: Shared = (holder[KEY] ??= { childError: undefined });

type Write = (this: LoggerLike, chunk: unknown, ...rest: unknown[]) => boolean;
interface LoggerLike {
  format?: unknown;
  defaultMeta?: unknown;
  write: Write;
  child?: (meta: object) => LoggerLike;
}

function zrmFormatOf(logger: LoggerLike): WriteTimeFormat | undefined {
  const format = logger.format as { [FORMAT]?: unknown } | undefined;
  return typeof format === 'object' && format !== null && format[FORMAT] === true
    ? (format as unknown as WriteTimeFormat)
    : undefined;
}

/**
 * winston runs a logger's format in its stream's `_transform`, which under
 * backpressure (a slow transport) runs later, in whatever async context
 * drains the stream — another request's. So a logger whose format is a
 * `zeroRetentionFormat` has each record prepared in `write`, in the caller's
 * context, as OpenTelemetry's winston instrumentation reads the active span
 * there. Child loggers hand on the error they were called with, since
 * winston writes a copy of it. Installed once per process; other loggers'
 * writes are untouched.
 */
export function hookLoggers(): void {
  const proto = winston.Logger.prototype as unknown as LoggerLike & { [HOOKED]?: true };
  if (proto[HOOKED] === true) return;
  Object.defineProperty(proto, HOOKED, { value: true });
  const write = proto.write;
  proto.write = function zrmWrite(this: LoggerLike, chunk: unknown, ...rest: unknown[]): boolean {
    const childError = shared.childError;
    shared.childError = undefined;
    const format = zrmFormatOf(this);
    if (format === undefined || typeof chunk !== 'object' || chunk === null)
      return write.call(this, chunk, ...rest);
    return write.call(this, format.prepareAtWrite(chunk as WinstonInfo, this, childError), ...rest);
  };
  const child = proto.child;
  if (typeof child !== 'function') return;
  proto.child = function zrmChild(this: LoggerLike, meta: object): LoggerLike {
    const made = child.call(this, meta);
    const writeCopy = made.write;
    return Object.create(made, {
      write: {
        value: function write(this: LoggerLike, info: unknown, ...rest: unknown[]): boolean {
          if (info instanceof Error) shared.childError = info;
          try {
            return writeCopy.call(this, info, ...rest);
          } finally {
            shared.childError = undefined;
          }
        },
      },
    }) as LoggerLike;
  };
}
