import { scrubString, type ZrmScope } from '@zrm/core';
import { emitRedaction, inFlightTaintCount, type MessageSettings } from '@zrm/core/adapter';
import { safeChindings } from './bindings.js';
import { LineMode, enterLineMode, lineMode } from './line-mode.js';
import { ordinaryLineClean } from './ordinary-line.js';
import { pinoSymbols, serializersSymbol } from './pino-symbols.js';
import { zrmArgs, type Serializers } from './zrm-args.js';

export type LogFn = (this: object, ...args: unknown[]) => void;

/** Resolved `withZeroRetention` settings, fixed when the options are built. */
export interface LogSettings extends MessageSettings {
  /**
   * Can a line outside ZRM be judged from its inputs (`ordinaryLineClean`)? Not
   * with a user mixin, `formatters.log` or `streamWrite` hook, whose output zrm
   * cannot foresee: then every such line is scrubbed once rendered.
   */
  readonly judgeInputs: boolean;
}
type Slots = Record<symbol, unknown>;

// While pino renders a ZRM line its serializers already ran (on raw values, inside zrmArgs).
const NO_SERIALIZERS: Serializers = Object.freeze(Object.create(null) as Serializers);

/** Counts (and reports) a line that was not written. */
export function dropRecord(scope: ZrmScope | undefined): void {
  if (scope === undefined) return;
  scope.counters.droppedRecords++;
  emitRedaction(scope.policy, {
    kind: 'dropped-record',
    count: 1,
    sink: 'pino',
    requestId: scope.requestId,
  });
}

/**
 * Writes one ZRM line: content-free arguments, and for the duration of the
 * (synchronous) call, content-free bindings and message prefix in place of the
 * logger's own, so every reader of this call (formatters, mixin, the
 * `pino_asJson` diagnostics channel, streams) sees only redacted data.
 */
function writeZeroRetention(
  logger: object,
  args: unknown[],
  log: LogFn,
  scope: ZrmScope,
  settings: LogSettings,
): void {
  const symbols = pinoSymbols(logger);
  if (symbols === undefined) return dropRecord(scope);
  const slots = logger as Slots;
  let safeArgs: unknown[];
  let chindings: string;
  let prefix: unknown;
  try {
    const errorKey = symbols.errorKey === undefined ? 'err' : slots[symbols.errorKey];
    safeArgs = zrmArgs(
      args,
      slots[serializersSymbol] as Serializers,
      typeof errorKey === 'string' ? errorKey : 'err',
      settings,
    );
    chindings = safeChindings(logger, String(slots[symbols.chindings]), scope.policy);
    prefix = symbols.msgPrefix === undefined ? undefined : slots[symbols.msgPrefix];
  } catch {
    return dropRecord(scope);
  }
  const ownChindings = slots[symbols.chindings];
  const ownSerializers = slots[serializersSymbol];
  slots[symbols.chindings] = chindings;
  slots[serializersSymbol] = NO_SERIALIZERS;
  if (typeof prefix === 'string') slots[symbols.msgPrefix as symbol] = scrubString(prefix);
  const previous = enterLineMode(LineMode.ZeroRetention);
  try {
    log.apply(logger, safeArgs);
  } catch {
    dropRecord(scope);
  } finally {
    enterLineMode(previous);
    // assigned back, never deleted: deleting would switch the logger to slow dictionary mode
    slots[symbols.chindings] = ownChindings;
    slots[serializersSymbol] = ownSerializers;
    if (typeof prefix === 'string') slots[symbols.msgPrefix as symbol] = prefix;
  }
}

/** Runs pino's own log method for a line that is not in ZRM (the line mode says whether to scrub it). */
function writeAsIs(
  logger: object,
  args: unknown[],
  log: LogFn,
  mode: LineMode,
  scope: ZrmScope | undefined,
): void {
  const previous = enterLineMode(mode);
  try {
    log.apply(logger, args);
  } catch {
    // a logging call never throws into the caller
    dropRecord(scope);
  } finally {
    enterLineMode(previous);
  }
}

/** Decides, in the calling thread, how this log call is written (`scope`: the current one). */
export function zrmLog(
  logger: object,
  args: unknown[],
  log: LogFn,
  settings: LogSettings,
  scope: ZrmScope | undefined,
): void {
  if (scope?.zeroRetention === true) return writeZeroRetention(logger, args, log, scope, settings);
  // any other context (none, ordinary, ended): a line that may carry in-flight ZRM content is scrubbed (streamWrite hook)
  const clean =
    inFlightTaintCount() === 0 || (settings.judgeInputs && ordinaryLineClean(logger, args));
  if (clean && lineMode() === LineMode.Pass) {
    // not inside another line being written: pino's own method, as for any ordinary line
    try {
      log.apply(logger, args);
    } catch {
      dropRecord(scope);
    }
    return;
  }
  writeAsIs(logger, args, log, clean ? LineMode.Pass : LineMode.Scrub, scope);
}
