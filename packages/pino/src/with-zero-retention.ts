import { currentScope, redact } from '@zrm/core';
import { messageSettings } from '@zrm/core/adapter';
import { LineMode, lineMode, passOrDecide, scrubUnlessPass } from './line-mode.js';
import type { PinoHooks, PinoOptionsLike, ZeroRetentionLogOptions } from './types.js';
import { scrubLine } from './line-scrub.js';
import { dropRecord, zrmLog, type LogFn, type LogSettings } from './zrm-log.js';

const composed = Symbol.for('@zrm/pino.composed');

type LogMethodHook = NonNullable<PinoHooks['logMethod']>;
type Mixin = NonNullable<PinoOptionsLike['mixin']>;

function optionalFunction<F>(value: unknown, name: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new TypeError(`withZeroRetention: ${name} must be a function`);
  return value as F;
}

function settingsFrom(
  options: ZeroRetentionLogOptions | undefined,
  judgeInputs: boolean,
): LogSettings {
  return { ...messageSettings(options, 'withZeroRetention'), judgeInputs };
}

function composeLogMethod(user: LogMethodHook | undefined, settings: LogSettings): LogMethodHook {
  if (user === undefined) {
    return passOrDecide(
      (logger, args, method, scope) => zrmLog(logger, args, method, settings, scope),
      dropRecord,
    );
  }
  // one wrapper per pino level method, so a user hook costs no allocation per call
  const wrappers = new WeakMap<LogFn, LogFn>();
  return function logMethod(this: object, args, method, level) {
    let wrapped = wrappers.get(method);
    if (wrapped === undefined) {
      wrapped = function zrmMethod(this: object, ...inner: unknown[]) {
        zrmLog(this, inner, method, settings, currentScope());
      };
      wrappers.set(method, wrapped);
    }
    try {
      user.call(this, args, wrapped, level);
    } catch {
      // the user's hook threw: a logging call never throws into the caller
    }
  };
}

function composeMixin(user: Mixin): Mixin {
  return function mixin(mergeObject, level, logger) {
    const out = user(mergeObject, level, logger);
    if (lineMode() !== LineMode.ZeroRetention) return out;
    const safe = redact(out);
    return typeof safe === 'object' && safe !== null ? safe : {};
  };
}

/**
 * pino options that keep every line written in a ZRM scope content-free, and
 * leave every other line byte for byte as plain pino writes it. The user's own
 * `hooks`, `mixin`, `serializers`, `formatters` and `redact` keep working.
 *
 * `pino(withZeroRetention({ level: 'info' }), destination)`; `zrmOptions.messages`
 * says what a ZRM line keeps of a bare message string (see `ZeroRetentionLogOptions`).
 */
export function withZeroRetention<O extends object = PinoOptionsLike>(
  options?: O,
  zrmOptions?: ZeroRetentionLogOptions,
): O {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('withZeroRetention: options must be an object');
  }
  const input = (options ?? {}) as PinoOptionsLike;
  const hooks: unknown = input.hooks ?? {};
  if (typeof hooks !== 'object' || hooks === null)
    throw new TypeError('withZeroRetention: hooks must be an object');
  const userHooks = hooks as PinoHooks;
  if ((userHooks as Record<symbol, unknown>)[composed] === true) return options as O;
  const logMethod = optionalFunction<LogMethodHook>(userHooks.logMethod, 'hooks.logMethod');
  const streamWrite = optionalFunction<NonNullable<PinoHooks['streamWrite']>>(
    userHooks.streamWrite,
    'hooks.streamWrite',
  );
  const mixin = optionalFunction<Mixin>(input.mixin, 'mixin');
  const formatLog = (input as { formatters?: { log?: unknown } }).formatters?.log;
  const settings = settingsFrom(
    zrmOptions,
    mixin === undefined && streamWrite === undefined && formatLog === undefined,
  );
  const out: PinoOptionsLike = {
    ...input,
    hooks: {
      ...userHooks,
      logMethod: composeLogMethod(logMethod, settings),
      streamWrite: scrubUnlessPass(streamWrite, scrubLine),
      [composed]: true,
    } as PinoHooks,
  };
  if (mixin !== undefined) out.mixin = composeMixin(mixin);
  return out as O;
}
