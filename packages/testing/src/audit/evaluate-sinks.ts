import { findCanaries } from '../find-canaries.js';
import type { CapturedChunk } from '../types.js';
import type { SinkRead, SinkSource } from './sink-sources.js';
import { expectedOrdinary } from './tracked-canary.js';
import type { TrackedCanary } from './tracked-canary.js';
import type { CanaryEvidence, SinkResult, SinkStatus } from './types.js';

export function chunkBytes(chunk: CapturedChunk): number {
  return typeof chunk.data === 'string' ? Buffer.byteLength(chunk.data) : chunk.data.byteLength;
}

function hasEvidence(
  source: SinkSource,
  read: SinkRead,
  bytes: number,
  found: ReadonlySet<string>,
  expected: readonly TrackedCanary[],
): boolean {
  const { expectation } = source;
  if (read.missing === true) return false;
  if (!source.asked || expectation === 'none') return true;
  if (bytes === 0) return false;
  if (expectation === 'bytes' || expected.length === 0) return true;
  if (expectation === 'any') return found.size > 0;
  return expected.every((t) => found.has(t.canary.label));
}

function status(leaks: number, bytes: number, evidence: boolean): SinkStatus {
  if (leaks > 0) return 'leak';
  if (!evidence) return bytes === 0 ? 'no-bytes' : 'missing-ordinary';
  return bytes === 0 ? 'empty' : 'ok';
}

/**
 * Scans one sink for every canary: ZRM or refused content found is a leak;
 * ordinary content is the sink's evidence, checked against its expectation.
 */
export function evaluateSink(
  source: SinkSource,
  read: SinkRead,
  tracked: readonly TrackedCanary[],
): SinkResult {
  const { chunks } = read;
  const bytes = chunks.reduce((n, c) => n + chunkBytes(c), 0);
  const byCanary = new Map(tracked.map((t) => [t.canary, t]));
  const hits = findCanaries(
    chunks,
    tracked.map((t) => t.canary),
  );
  const evidence: CanaryEvidence[] = [];
  const leaks: CanaryEvidence[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    const t = byCanary.get(hit.canary);
    if (t === undefined || seen.has(hit.label)) continue;
    seen.add(hit.label);
    const entry: CanaryEvidence = {
      label: hit.label,
      description: t.description,
      mode: t.mode,
      form: hit.form,
      source: hit.source,
      offset: hit.offset,
    };
    if (t.mode !== 'ordinary') leaks.push(entry);
    else if (!t.derived) evidence.push(entry);
  }
  const ordinary = tracked.filter((t) => t.mode === 'ordinary' && !t.derived);
  const found = new Set(evidence.map((e) => e.label));
  const expected = expectedOrdinary(source.expectation, tracked);
  const ok = hasEvidence(source, read, bytes, found, expected);
  return {
    sink: source.name,
    kind: source.kind,
    asked: source.asked,
    bytes,
    expectOrdinary: source.expectation,
    ordinaryTotal: ordinary.length,
    ordinaryExpected: expected.map((t) => t.canary.label),
    ordinaryFound: [...found].sort(),
    ordinaryNotFound: ordinary
      .map((t) => t.canary.label)
      .filter((label) => !found.has(label))
      .sort(),
    evidence,
    restrictedTotal: tracked.filter((t) => t.mode !== 'ordinary').length,
    leaks,
    hasEvidence: ok,
    status: status(leaks.length, bytes, ok),
    ...(read.scopes === undefined ? {} : { scopes: read.scopes }),
  };
}
