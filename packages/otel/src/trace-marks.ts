import type { Policy } from '@zrm/core';

/** Anything whose end bounds a mark: a `ZrmScope`, or the SDK span that received a propagated `zrm=1`. */
export interface MarkOwner {
  readonly ended: boolean;
}

interface TraceMark {
  readonly policy: Policy;
  owners: WeakRef<MarkOwner>[];
  /** When the mark was first seen with every owner ended (or collected). */
  endedSeenAt: number | undefined;
}

const MAX_OWNERS = 16;
/** Traces remembered per owner; an owner that marked more is taken to own every trace (fail closed). */
const MAX_TRACES = 16;

/**
 * Trace ids of ZRM requests. A trace is marked while one of its owners runs,
 * and for `graceMs` after they are all seen to have ended (so spans that end
 * just after the response, such as the HTTP server span, are still covered).
 * Owners are held weakly: a mark never keeps a request's scope alive.
 */
export class TraceMarks {
  readonly #marks = new Map<string, TraceMark>();
  /** The traces each owner marked (held weakly by the owner: a scope's list goes with it). */
  #traces = new WeakMap<MarkOwner, string[]>();
  #timer: ReturnType<typeof setInterval> | undefined;
  graceMs = 10_000;
  maxMarks = 100_000;

  get size(): number {
    return this.#marks.size;
  }

  mark(traceId: string, owner: MarkOwner, policy: Policy): void {
    this.#own(owner, traceId);
    const found = this.#marks.get(traceId);
    if (found !== undefined) {
      found.endedSeenAt = undefined;
      if (found.owners.some((ref) => ref.deref() === owner)) return;
      if (found.owners.length >= MAX_OWNERS)
        found.owners = found.owners.filter((ref) => isLive(ref));
      // when every one of 16 owners is live, the newest stands for the rest: the mark stays on while it runs
      if (found.owners.length >= MAX_OWNERS) found.owners.shift();
      found.owners.push(new WeakRef(owner));
      return;
    }
    if (this.#marks.size >= this.maxMarks) this.#evict();
    this.#marks.set(traceId, { policy, owners: [new WeakRef(owner)], endedSeenAt: undefined });
    this.#timer ??= setInterval(() => this.sweep(), Math.max(1_000, this.graceMs)).unref();
  }

  /** The policy of a marked trace, or undefined when the trace is not (or no longer) marked. */
  lookup(traceId: string): Policy | undefined {
    const found = this.#marks.get(traceId);
    if (found === undefined) return undefined;
    return this.#expired(found, Date.now()) ? undefined : found.policy;
  }

  /**
   * Is a record of `traceId` ending in `owner`'s context the work of `owner`?
   * Yes for a trace it marked (even after the mark expired). An async context
   * names who created a resource, not whose data flows through it: a record of
   * another trace (a pooled socket's callback ending an ordinary request's
   * span) is not. Fail closed: a record with no trace, or an owner that marked
   * no trace (or more than are remembered), is taken as the owner's.
   */
  owns(owner: MarkOwner, traceId: string | undefined): boolean {
    if (traceId === undefined) return true;
    const traces = this.#traces.get(owner);
    return traces === undefined || traces.length > MAX_TRACES || traces.includes(traceId);
  }

  /** Forgets marks whose grace period is over. */
  sweep(): void {
    const now = Date.now();
    for (const [traceId, mark] of this.#marks)
      if (this.#expired(mark, now)) this.#marks.delete(traceId);
    if (this.#marks.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  clear(): void {
    this.#marks.clear();
    this.#traces = new WeakMap();
  }

  #own(owner: MarkOwner, traceId: string): void {
    const traces = this.#traces.get(owner);
    if (traces === undefined) this.#traces.set(owner, [traceId]);
    // one past the limit stands for "too many to remember"
    else if (traces.length <= MAX_TRACES && !traces.includes(traceId)) traces.push(traceId);
  }

  #expired(mark: TraceMark, now: number): boolean {
    if (mark.owners.some((ref) => isLive(ref))) {
      mark.endedSeenAt = undefined;
      return false;
    }
    mark.endedSeenAt ??= now;
    return now - mark.endedSeenAt > this.graceMs;
  }

  /** At the cap: drop expired marks, then the oldest. */
  #evict(): void {
    this.sweep();
    if (this.#marks.size < this.maxMarks) return;
    const oldest = this.#marks.keys().next();
    if (oldest.done !== true) this.#marks.delete(oldest.value);
  }
}

function isLive(ref: WeakRef<MarkOwner>): boolean {
  const owner = ref.deref();
  return owner !== undefined && !owner.ended;
}

const KEY = Symbol.for('@zrm/otel.trace-marks.v1');
const holder = globalThis as { [KEY]?: TraceMarks };

/** The process-wide marks, shared by every copy of `@zrm/otel`. */
export const traceMarks: TraceMarks = (holder[KEY] ??= new TraceMarks());
