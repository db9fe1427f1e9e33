import type { Policy, ZrmDecision, ZrmScope } from '@zrm/core';
import type { IncomingMessage } from 'node:http';
import { modeBeforeDecision } from '@zrm/core/adapter';
import { kRequestState } from './symbols.js';
import type { RequestLogMode } from './types.js';

/** Most lines a request may log before its mode is known; more are dropped, never written unredacted. */
const MAX_PENDING_LINES = 64;

/**
 * What the plugin knows about one request: the mode its logger writes in and
 * the scope it runs in. The mode starts as early as Fastify creates the
 * request's logger and only ever becomes stricter.
 */
export class RequestState {
  mode: RequestLogMode;
  scope: ZrmScope | undefined;
  /** The decision made in onRequest, asked again once the body is parsed. */
  decision: ZrmDecision | undefined;
  #pending: (() => void)[] | undefined;

  constructor(mode: RequestLogMode) {
    this.mode = mode;
  }

  /** Holds a log line until the mode is known (returns false when the buffer is full). */
  hold(line: () => void): boolean {
    const pending = (this.#pending ??= []);
    if (pending.length >= MAX_PENDING_LINES) return false;
    pending.push(line);
    return true;
  }

  /** Fixes the mode (never back to ordinary once stricter) and writes the lines held so far. */
  settle(mode: Exclude<RequestLogMode, 'undecided'>): void {
    if (this.mode !== 'zero-retention') this.mode = mode;
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    for (const line of pending) line();
  }
}

type RawWithState = IncomingMessage & { [kRequestState]?: RequestState };

function settleUndecided(this: RawWithState): void {
  const state = this[kRequestState];
  if (state?.mode === 'undecided') state.settle('zero-retention');
}

/** The state of a raw request, made when Fastify creates its logger (or, for routes declared before the plugin, in onRequest). */
export function requestStateOf(raw: RawWithState, policy: Policy): RequestState {
  let state = raw[kRequestState];
  if (state !== undefined) return state;
  state = raw[kRequestState] = new RequestState(
    modeBeforeDecision(raw.url ?? '', raw.headers, policy),
  );
  // a request that ends before the plugin's onRequest decided it (an earlier hook answered): its held lines are written content-free
  if (state.mode === 'undecided') raw.once('close', settleUndecided);
  return state;
}

/** The scope the plugin made for a raw request (undefined before its onRequest ran). */
export function scopeOf(raw: IncomingMessage): ZrmScope | undefined {
  return (raw as RawWithState)[kRequestState]?.scope;
}
