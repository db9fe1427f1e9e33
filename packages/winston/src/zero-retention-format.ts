import { REDACTED, currentScope, type ZrmScope } from '@zrm/core';
import {
  emitRedaction,
  inFlightTaintCount,
  messageSettings,
  scrubJson,
  type MessageSettings,
} from '@zrm/core/adapter';
import winston from 'winston';
import type { Logform } from 'winston';
import { FORMAT, hookLoggers, type WriteTimeFormat } from './logger-hook.js';
import { SINK, scrubbedRecord } from './ordinary-record.js';
import { LEVEL, MESSAGE } from './symbols.js';
import type { WinstonInfo, ZeroRetentionFormatOptions } from './types.js';
import { ZRM_MARKER_KEY, zrmRecord } from './zrm-record.js';

/**
 * The scope a record was written in (or NO_SCOPE), set on the record at write
 * time and read once when the stream runs the format. A symbol key, as winston
 * keeps its own (level, message, splat): never serialized by its formats, and
 * cheaper than a side table on the path of every ordinary record.
 */
const WRITTEN_IN = Symbol('zrm.winston.writtenIn');
const NO_SCOPE = Symbol('zrm.winston.noScope');
type WrittenIn = ZrmScope | typeof NO_SCOPE | null;

function innerFormat(options: ZeroRetentionFormatOptions | undefined): Logform.Format {
  const inner: unknown = options?.format ?? winston.format.json();
  if (
    typeof inner !== 'object' ||
    inner === null ||
    typeof (inner as Logform.Format).transform !== 'function'
  ) {
    throw new TypeError(
      'zeroRetentionFormat: format must be a winston format (format.json(), format.combine(…))',
    );
  }
  return inner as Logform.Format;
}

/** A record that could not be prepared: written as a placeholder, never as it came. */
function unreadable(info: WinstonInfo, scope: ZrmScope | undefined): WinstonInfo {
  if (scope !== undefined) {
    scope.counters.droppedRecords++;
    emitRedaction(scope.policy, {
      kind: 'dropped-record',
      count: 1,
      sink: SINK,
      requestId: scope.requestId,
    });
  }
  let level: unknown;
  try {
    level = info[LEVEL];
  } catch {
    level = undefined;
  }
  const record = {
    level: typeof level === 'string' ? level : 'error',
    message: REDACTED,
    [ZRM_MARKER_KEY]: true,
  } as WinstonInfo;
  record[LEVEL] = record.level;
  return record;
}

/**
 * The winston format of `zeroRetentionFormat`: it wraps the formats that
 * finish a record, so that they only ever see a content-free one, and scrubs
 * their result (the finished line) of registered content as a last line of defense.
 */
class ZeroRetentionFormat implements WriteTimeFormat {
  readonly [FORMAT] = true;
  readonly options: object;
  readonly #inner: Logform.Format;
  readonly #settings: MessageSettings;

  constructor(options: ZeroRetentionFormatOptions | undefined) {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError('zeroRetentionFormat: options must be an object');
    }
    this.#settings = messageSettings(options, 'zeroRetentionFormat');
    this.#inner = innerFormat(options);
    this.options = this.#inner.options ?? {};
  }

  /** Content-free in ZRM; outside it the record itself, or a copy without in-flight ZRM content. */
  #prepare(
    info: WinstonInfo,
    defaultMeta: unknown,
    childError: Error | undefined,
    scope: ZrmScope | undefined,
  ): WinstonInfo {
    try {
      if (scope?.zeroRetention === true)
        return zrmRecord(info, this.#settings, { defaultMeta, childError });
      return inFlightTaintCount() === 0 ? info : scrubbedRecord(info);
    } catch {
      return unreadable(info, scope);
    }
  }

  prepareAtWrite(
    info: WinstonInfo,
    logger: { defaultMeta?: unknown },
    childError: Error | undefined,
  ): WinstonInfo {
    const scope = currentScope();
    let defaultMeta: unknown;
    try {
      defaultMeta = logger.defaultMeta;
    } catch {
      defaultMeta = undefined;
    }
    const record = this.#prepare(info, defaultMeta, childError, scope);
    (record as { [WRITTEN_IN]?: WrittenIn })[WRITTEN_IN] = scope ?? NO_SCOPE;
    return record;
  }

  transform(info: WinstonInfo, _options?: unknown): WinstonInfo | boolean {
    const marked = info as { [WRITTEN_IN]?: WrittenIn };
    const writtenIn = marked[WRITTEN_IN];
    let record = info;
    let scope: ZrmScope | undefined;
    if (writtenIn === undefined || writtenIn === null) {
      // not written through a hooked logger (a transport's format, another copy of winston)
      // or already formatted once (a record logged again): decided now
      scope = currentScope();
      record = this.#prepare(info, undefined, undefined, scope);
    } else {
      marked[WRITTEN_IN] = null; // read once
      scope = writtenIn === NO_SCOPE ? undefined : writtenIn;
    }
    // the formats run in the context the record was written in, which may not be the current one
    return scope === undefined || scope === currentScope()
      ? this.#finish(record)
      : scope.run(() => this.#finish(record));
  }

  #finish(record: WinstonInfo): WinstonInfo | boolean {
    const out = this.#inner.transform(record, this.#inner.options);
    if (typeof out !== 'object' || out === null) return out;
    const line = out[MESSAGE];
    if (typeof line === 'string' && inFlightTaintCount() > 0) out[MESSAGE] = scrubJson(line, SINK);
    return out;
  }
}

/**
 * A winston format that keeps every record written in a ZRM scope content-free
 * by the rules of `@zrm/pino` (content keys at any depth, binary, registered
 * content, message strings, errors and their causes), removes in-flight ZRM
 * requests' registered content from records written in any other context, and
 * leaves every other record as the wrapped formats make it.
 *
 * It wraps the formats that finish the record and must be the logger's own
 * `format`: `winston.createLogger({ format: zeroRetentionFormat({ format:
 * format.combine(format.errors({ stack: true }), format.splat(), format.json()) }) })`.
 */
export function zeroRetentionFormat(options?: ZeroRetentionFormatOptions): Logform.Format {
  const format = new ZeroRetentionFormat(options);
  hookLoggers();
  return format;
}
