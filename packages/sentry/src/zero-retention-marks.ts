import type { Policy, ZrmScope } from '@zrm/core';
import { DEFAULT_GRACE_MS } from './options.js';

interface TraceMark {
  readonly policy: Policy;
  /** The ZRM scope the trace is marked for; a running owner is never replaced by another. */
  readonly owner: WeakRef<ZrmScope>;
  /** When the owner was first seen ended (or collected). */
  endedSeenAt: number | undefined;
}

/** Traces remembered per scope; a scope that marked more is taken to own every trace (fail closed). */
const MAX_TRACES = 16;
const MAX_MARKS = 100_000;
/** Expired marks are forgotten every this many new marks (no timer: a mark is checked when it is read). */
const FORGET_EVERY = 256;

function isRunning(owner: WeakRef<ZrmScope>): boolean {
  const scope = owner.deref();
  return scope !== undefined && !scope.ended;
}

/**
 * What Sentry needs to know of ZRM requests later, out of their context:
 * their trace ids and their Sentry isolation scopes. A trace stays marked
 * while its scope runs and for `graceMs` after it is seen to have ended,
 * since Sentry sends spans, logs and deferred transactions from buffers.
 * Scopes are held weakly: a mark never keeps a request alive.
 */
export class ZeroRetentionMarks {
  readonly #traces = new Map<string, TraceMark>();
  #traced = new WeakMap<ZrmScope, Set<string>>();
  #isolation = new WeakMap<object, Policy>();
  #marked = 0;
  graceMs = DEFAULT_GRACE_MS;

  /** Marks remembered (some may have expired without being read since). */
  get size(): number {
    return this.#traces.size;
  }

  markTrace(traceId: string, scope: ZrmScope): void {
    let traced = this.#traced.get(scope);
    if (traced === undefined) this.#traced.set(scope, (traced = new Set()));
    // one past the limit stands for "too many to remember"
    if (traced.size <= MAX_TRACES) traced.add(traceId);
    const mark = this.#traces.get(traceId);
    if (mark !== undefined && isRunning(mark.owner)) return;
    this.#traces.delete(traceId);
    this.#traces.set(traceId, {
      policy: scope.policy,
      owner: new WeakRef(scope),
      endedSeenAt: undefined,
    });
    if (++this.#marked % FORGET_EVERY === 0 || this.#traces.size > MAX_MARKS) this.#forget();
  }

  /** The ZRM policy of a marked trace; undefined for other traces and once the grace period is over. */
  tracePolicy(traceId: unknown): Policy | undefined {
    if (typeof traceId !== 'string' || this.#traces.size === 0) return undefined;
    const mark = this.#traces.get(traceId);
    if (mark === undefined) return undefined;
    if (!this.#expired(mark, Date.now())) return mark.policy;
    this.#traces.delete(traceId);
    return undefined;
  }

  /** Has `scope` marked a trace? */
  hasMarked(scope: ZrmScope): boolean {
    return this.#traced.has(scope);
  }

  /**
   * Is a span of `traceId` ending in `scope`'s context that request's work?
   * Yes for a trace it marked: a pooled socket's callback runs in the context
   * of the request that opened it, whoever's span it ends. Fail closed: a
   * scope that marked no trace (or more than are remembered) owns every one.
   */
  owns(scope: ZrmScope, traceId: unknown): boolean {
    const traced = this.#traced.get(scope);
    if (traced === undefined || traced.size > MAX_TRACES) return true;
    return typeof traceId !== 'string' || traced.has(traceId);
  }

  /** Marks a Sentry isolation scope (Sentry keeps one per request) as a ZRM request's, for its lifetime. */
  markIsolationScope(isolationScope: object, scope: ZrmScope): void {
    if (!this.#isolation.has(isolationScope)) this.#isolation.set(isolationScope, scope.policy);
  }

  isolationPolicy(isolationScope: object): Policy | undefined {
    return this.#isolation.get(isolationScope);
  }

  clear(): void {
    this.#traces.clear();
    this.#traced = new WeakMap();
    this.#isolation = new WeakMap();
  }

  #expired(mark: TraceMark, now: number): boolean {
    if (isRunning(mark.owner)) {
      mark.endedSeenAt = undefined;
      return false;
    }
    mark.endedSeenAt ??= now;
    return now - mark.endedSeenAt > this.graceMs;
  }

  /** Forgets expired marks; at the cap, the oldest too (a Map keeps insertion order). */
  #forget(): void {
    const now = Date.now();
    for (const [traceId, mark] of this.#traces)
      if (this.#expired(mark, now)) this.#traces.delete(traceId);
    for (const traceId of this.#traces.keys()) {
      if (this.#traces.size <= MAX_MARKS) break;
      this.#traces.delete(traceId);
    }
  }
}

const KEY = Symbol.for('@zrm/sentry.marks.v1');
const holder = globalThis as { [KEY]?: ZeroRetentionMarks };

/** The process-wide marks, shared by every copy of `@zrm/sentry`. */
export const marks: ZeroRetentionMarks = (holder[KEY] ??= new ZeroRetentionMarks());
