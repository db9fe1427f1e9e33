import { AsyncLocalStorage } from 'node:async_hooks';
import { definePolicy } from './policy.js';
import { ReleaseQueue } from './release-queue.js';
import { TaintIndex, type TaintOwner } from './taint-index.js';
import type { Policy } from './types.js';
import type { ZrmScope } from './scope.js';

/** Process-wide state, shared by every copy of `@zrm/core` loaded in the process. */
export interface ZrmState {
  readonly version: 1;
  readonly storage: AsyncLocalStorage<ZrmScope>;
  readonly taint: TaintIndex;
  /** Owners of ended scopes, released when their grace period is over (one timer per period). */
  readonly releases: ReleaseQueue<TaintOwner>;
  defaultPolicy: Policy;
}

const KEY = Symbol.for('@zrm/core.state.v1');

function createState(): ZrmState {
  const taint = new TaintIndex();
  return {
    version: 1,
    storage: new AsyncLocalStorage<ZrmScope>(),
    taint,
    releases: new ReleaseQueue((owner) => taint.release(owner)),
    defaultPolicy: definePolicy(),
  };
}

const holder = globalThis as { [KEY]?: ZrmState };
export const state: ZrmState = (holder[KEY] ??= createState());

/** Sets the policy used by scopes created without one, and outside any scope. */
export function setDefaultPolicy(policy: Policy): void {
  state.defaultPolicy = policy;
}

/** Number of scopes whose registered values are still held (in flight or in their grace period). */
export function inFlightTaintCount(): number {
  return state.taint.ownerCount;
}

/** Length of the shortest string that can hold content of an in-flight ZRM request (Infinity: none in flight). */
export function shortestTaintedLength(): number {
  return state.taint.shortestMatch;
}
