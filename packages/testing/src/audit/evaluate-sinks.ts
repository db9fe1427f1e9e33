import { findCanaries } from '../find-canaries.js';
import type { Canary } from '../types.js';
import type { AuditSink } from './collect-sinks.js';
import type { CanaryClass, SinkLeak, SinkResult, SinkStatus } from './types.js';

export interface TrackedCanary {
  canary: Canary;
  mode: CanaryClass;
  /** Derived content (a transcript read from a response): never required in ordinary sinks. */
  derived: boolean;
}

function status(leaks: number, missing: boolean): SinkStatus {
  if (leaks > 0) return missing ? 'leak+missing-ordinary' : 'leak';
  return missing ? 'missing-ordinary' : 'ok';
}

/** Scans one sink for every canary: ZRM or rejected content found is a leak; ordinary content is checked against the expectation. */
export function evaluateSink(entry: AuditSink, tracked: readonly TrackedCanary[]): SinkResult {
  const chunks = entry.sink.chunks();
  const bytes = chunks.reduce(
    (n, c) => n + (typeof c.data === 'string' ? Buffer.byteLength(c.data) : c.data.byteLength),
    0,
  );
  const byCanary = new Map(tracked.map((t) => [t.canary, t]));
  const hits = findCanaries(
    chunks,
    tracked.map((t) => t.canary),
  );
  const ordinaryFound = new Set<string>();
  const leaks: SinkLeak[] = [];
  const leaked = new Set<string>();
  for (const hit of hits) {
    const t = byCanary.get(hit.canary);
    if (t === undefined) continue;
    if (t.mode === 'ordinary') {
      if (!t.derived) ordinaryFound.add(hit.label);
    } else if (!leaked.has(hit.label)) {
      leaked.add(hit.label);
      leaks.push({ label: hit.label, mode: t.mode, form: hit.form, source: hit.source });
    }
  }
  const ordinaryTotal = tracked.filter((t) => t.mode === 'ordinary' && !t.derived).length;
  const missing =
    (entry.expectOrdinary === 'any' && ordinaryFound.size === 0) ||
    (entry.expectOrdinary === 'all' && ordinaryFound.size < ordinaryTotal);
  return {
    sink: entry.sink.name,
    bytes,
    expectOrdinary: entry.expectOrdinary,
    ordinaryFound: [...ordinaryFound].sort(),
    ordinaryTotal,
    leaks,
    status: status(leaks.length, missing),
  };
}
