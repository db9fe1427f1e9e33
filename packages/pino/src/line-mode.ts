import { currentScope, type ZrmScope } from '@zrm/core';
import { inFlightTaintCount } from '@zrm/core/adapter';
import type { PinoHooks } from './types.js';

/**
 * How the line being written right now is treated, decided once per log call in
 * the calling thread and read by the mixin and stream-write hooks of the same
 * (synchronous) call, so they need not look the scope up again.
 */
export enum LineMode {
  /** Not a ZRM scope, and no ZRM request in flight: pino as is. */
  Pass = 0,
  /**
   * Not a ZRM scope (ordinary, ended, none) while ZRM requests are in flight: the
   * line is scrubbed of their registered content, since a shared connection,
   * batcher or pooled socket can carry one request's data in another's context.
   */
  Scrub = 1,
  /** ZRM scope: the line is rebuilt content-free. */
  ZeroRetention = 2,
}

type LogMethodHook = NonNullable<PinoHooks['logMethod']>;
type StreamWriteHook = NonNullable<PinoHooks['streamWrite']>;
type LogMethod = Parameters<LogMethodHook>[1];

let current: LineMode = LineMode.Pass;

export function lineMode(): LineMode {
  return current;
}

/** Sets the mode for the call in progress; returns the previous one to restore (calls can nest). */
export function enterLineMode(mode: LineMode): LineMode {
  const previous = current;
  current = mode;
  return previous;
}

/*
 * The two hooks below run on every line of every logger; they live next to the
 * mode so that an ordinary line costs one scope read and one local comparison.
 */

/**
 * pino's `hooks.logMethod`: a call in an ordinary scope while no ZRM request is
 * in flight goes straight to pino's method (even inside another line being
 * written: every hook of that call is scope-aware); every other call to `decide`.
 */
export function passOrDecide(
  decide: (logger: object, args: unknown[], method: LogMethod, scope: ZrmScope | undefined) => void,
  onThrow: (scope: ZrmScope) => void,
): LogMethodHook {
  return function logMethod(this: object, args, method) {
    const scope = currentScope();
    if (scope === undefined || scope.zeroRetention || inFlightTaintCount() > 0) {
      decide(this, args, method, scope);
      return;
    }
    try {
      method.apply(this, args);
    } catch {
      // a logging call never throws into the caller
      onThrow(scope);
    }
  };
}

/**
 * pino's `hooks.streamWrite`, the last line of defense in the calling thread:
 * a line that is not passed as is goes through `scrub` (after the user's hook).
 */
export function scrubUnlessPass(
  user: StreamWriteHook | undefined,
  scrub: (line: string) => string,
): StreamWriteHook {
  if (user === undefined) {
    return function streamWrite(line) {
      return current === LineMode.Pass ? line : scrub(line);
    };
  }
  return function streamWrite(line) {
    const out = user(line);
    return current === LineMode.Pass || typeof out !== 'string' ? out : scrub(out);
  };
}
