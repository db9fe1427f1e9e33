import type { EventEmitter } from 'node:events';
import { isThenable } from './decode.js';
import { definePolicy } from './policy.js';
import { state } from './state.js';
import { createTaintOwner, type TaintOwner } from './taint-index.js';
import type { Policy, ScopeCounters, ScopeInit, ZrmSource } from './types.js';

/**
 * The per-request record. Its flag can be turned on, never off; its taint is
 * released when it ends (after the policy's grace period) or when it is
 * garbage-collected because no work of the request is left, whichever comes first.
 */
export class ZrmScope {
  readonly requestId: string | undefined;
  readonly policy: Policy;
  readonly counters: ScopeCounters = { redactedFields: 0, blockedWrites: 0, droppedRecords: 0 };
  readonly parent: ZrmScope | undefined;
  #zeroRetention: boolean;
  #source: ZrmSource;
  #ended = false;
  #owner: TaintOwner | undefined;

  constructor(init: ScopeInit, parent: ZrmScope | undefined = state.storage.getStore()) {
    if (typeof init !== 'object' || init === null || typeof init.zeroRetention !== 'boolean') {
      throw new TypeError('zrm scope: init.zeroRetention must be a boolean');
    }
    this.parent = parent;
    this.policy =
      init.policy === undefined
        ? (parent?.policy ?? state.defaultPolicy)
        : definePolicy(init.policy);
    this.requestId = init.requestId ?? parent?.requestId;
    const inherited = parent?.zeroRetention === true && !init.zeroRetention;
    this.#zeroRetention = init.zeroRetention || inherited;
    this.#source = inherited
      ? 'inherited'
      : (init.source ?? (init.zeroRetention ? 'explicit' : 'default'));
    if (this.#zeroRetention) announceZeroRetention(this);
  }

  get zeroRetention(): boolean {
    return this.#zeroRetention;
  }

  get source(): ZrmSource {
    return this.#source;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Turns ZRM on for the rest of this scope. There is no way to turn it off. */
  tighten(source: ZrmSource = 'explicit'): void {
    if (this.#zeroRetention) return;
    this.#zeroRetention = true;
    this.#source = source;
    announceZeroRetention(this);
  }

  run<T>(fn: () => T): T {
    return state.storage.run(this, fn);
  }

  /** Registers values as content of this scope (no-op outside ZRM or after release). */
  register(value: string, maxFragments?: number): void {
    const owner = this.#taintOwner();
    if (owner !== undefined) state.taint.add(owner, value, maxFragments);
  }

  /** Registers a binary value by its text forms (hex, base64, base64url), copied now, indexed when first needed. */
  registerBinary(bytes: Uint8Array): void {
    const owner = this.#taintOwner();
    if (owner !== undefined) state.taint.addBinary(owner, bytes);
  }

  #taintOwner(): TaintOwner | undefined {
    if (!this.#zeroRetention) return undefined;
    if (this.#owner === undefined) {
      if (this.#ended) return undefined;
      this.#owner = createTaintOwner(this.policy.taint, this);
      sweepWhileOwned();
    }
    return this.#owner;
  }

  /** Ends the scope: its taint is released after the policy's grace period (at the latest). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const owner = this.#owner;
    if (owner === undefined) return;
    const grace = this.policy.taint.graceMs;
    if (grace === 0) state.taint.release(owner);
    else state.releases.add(owner, grace);
  }
}

/** How often owners whose scope was garbage-collected before it ended are looked for. */
const SWEEP_MS = 1_000;
let sweeper: NodeJS.Timeout | undefined;

/**
 * A scope that is garbage-collected before it ends (an adapter that never
 * calls `end`) still has its taint released: its owner holds it weakly, and
 * once a second, while any owner holds values, owners whose scope is gone are
 * released. (A FinalizationRegistry entry per scope costs the collector
 * several µs per scope under load; a WeakRef and a sweep cost a fraction.)
 */
function sweepWhileOwned(): void {
  if (sweeper !== undefined) return;
  sweeper = setInterval(() => {
    state.taint.releaseCollected();
    if (state.taint.ownerCount === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }, SWEEP_MS);
  sweeper.unref();
}

const OBSERVERS = Symbol.for('@zrm/core.zero-retention-observers.v1');

/**
 * Calls `observer` with every scope that enters ZRM from now on, in the async
 * context where it does (a sink marks what is active there: a trace, a
 * request's error-tracker scope). Process-wide; returns an undo.
 */
export function onZeroRetention(observer: (scope: ZrmScope) => void): () => void {
  const holder = globalThis as { [OBSERVERS]?: Set<(scope: ZrmScope) => void> };
  const observers = (holder[OBSERVERS] ??= new Set());
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

/** Tells process-wide observers (e.g. @zrm/otel marking the active trace) that a scope is now in ZRM. */
function announceZeroRetention(scope: ZrmScope): void {
  const observers = (globalThis as { [OBSERVERS]?: Set<(scope: ZrmScope) => void> })[OBSERVERS];
  if (observers === undefined) return;
  for (const observe of observers) {
    try {
      observe(scope);
    } catch {
      // an observer must not break the request
    }
  }
}

/** Creates a scope that an adapter runs work in and ends explicitly. */
export function createScope(init: ScopeInit): ZrmScope {
  return new ZrmScope(init);
}

/**
 * Runs `fn` in a new scope; the scope ends when `fn` returns or, if it returns
 * a promise, when that promise settles.
 */
export function runWithScope<T>(init: ScopeInit, fn: () => T): T {
  const scope = new ZrmScope(init);
  let result: T;
  try {
    result = scope.run(fn);
  } catch (error) {
    scope.end();
    throw error;
  }
  if (isThenable(result)) {
    result.then(
      () => scope.end(),
      () => scope.end(),
    );
  } else {
    scope.end();
  }
  return result;
}

export function currentScope(): ZrmScope | undefined {
  return state.storage.getStore();
}

export function isZeroRetention(): boolean {
  return state.storage.getStore()?.zeroRetention === true;
}

/** Binds `fn` to the scope current now, so it keeps that scope wherever it is called from. */
export function bindToScope<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const scope = state.storage.getStore();
  const storage = state.storage;
  return function bound(this: unknown, ...args: A): R {
    return storage.run(scope as ZrmScope, () => fn.apply(this, args));
  };
}

/** Makes every listener of `emitter` run in the scope current now (for req, res, sockets, parsers). */
export function bindEmitterToScope<E extends EventEmitter>(emitter: E): E {
  const emit = emitter.emit.bind(emitter);
  emitter.emit = bindToScope(emit) as E['emit'];
  return emitter;
}
