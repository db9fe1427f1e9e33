import { findCanaries } from '../find-canaries.js';
import type { Canary, CapturedChunk } from '../types.js';
import { chunkBytes } from './evaluate-sinks.js';
import type { SinkSource } from './sink-sources.js';
import { expectedOrdinary } from './tracked-canary.js';
import type { TrackedCanary } from './tracked-canary.js';
import type { AuditWait } from './types.js';

const TICK_MS = 100;
const PROGRESS_MS = 1000;
const HEARTBEAT_MS = 5000;
/** Bytes of an append-only chunk scanned again on a re-read: a canary cut by the previous read is whole again. */
const OVERLAP = 16 * 1024;

/** One sink being waited for: what it must still show, scanning only what changed since the last read. */
class SinkWatch {
  readonly awaited: readonly Canary[];
  /** The closing request's canaries among `awaited`. */
  readonly closing: readonly Canary[];
  readonly found = new Set<Canary>();
  bytes = 0;
  completeAfterMs: number | null = null;
  nextReadAt = 0;
  reported = '';
  reportedAt = 0;
  readonly #scanned = new Map<string, number>();

  constructor(
    readonly source: SinkSource,
    expected: readonly TrackedCanary[],
    closing: readonly TrackedCanary[],
  ) {
    this.closing = closing.map((t) => t.canary);
    this.awaited = [...expected.map((t) => t.canary), ...this.closing];
  }

  /** `bytes` sinks (and lists of probes that send no canary) wait for their first byte. */
  get complete(): boolean {
    return this.awaited.length === 0 ? this.bytes > 0 : this.found.size === this.awaited.length;
  }

  scan(chunks: readonly CapturedChunk[]): void {
    const missing = this.awaited.filter((c) => !this.found.has(c));
    const occurrences = new Map<string, number>();
    let bytes = 0;
    for (const chunk of chunks) {
      const n = (occurrences.get(chunk.source) ?? 0) + 1;
      occurrences.set(chunk.source, n);
      const key = `${n}:${chunk.source}`;
      const length = chunkBytes(chunk);
      bytes += length;
      const before = this.#scanned.get(key);
      if (before === length || missing.length === 0) continue;
      this.#scanned.set(key, length);
      const data = typeof chunk.data === 'string' ? Buffer.from(chunk.data) : chunk.data;
      const from =
        this.source.appendOnly && before !== undefined && before < length
          ? Math.max(0, before - OVERLAP)
          : 0;
      for (const hit of findCanaries({ source: chunk.source, data: data.subarray(from) }, missing))
        this.found.add(hit.canary);
    }
    this.bytes = bytes;
  }

  /** What arrived so far, without the time. */
  status(): string {
    if (this.awaited.length === 0)
      return `${this.source.name}: ${this.bytes > 0 ? 'data arrived' : 'no bytes yet'}`;
    const closing =
      this.closing.length === 0
        ? ''
        : `, the closing request's ${this.closing.every((c) => this.found.has(c)) ? 'among them' : 'not yet'}`;
    return `${this.source.name}: ${this.found.size} of ${this.awaited.length} ordinary canaries arrived${closing}`;
  }
}

function awaitedWords(n: number): string {
  if (n === 0) return 'data';
  return n === 1 ? 'the 1 awaited ordinary canary' : `all ${n} awaited ordinary canaries`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The closing request's canaries a sink waits for: in logs, stdout and OTLP, which
 * write and export in order (a history keeps or drops whole items, and an
 * item whose derived content resembles a ZRM request's is rightly dropped).
 */
function closingFor(source: SinkSource, closing: readonly TrackedCanary[]): TrackedCanary[] {
  if (source.kind !== 'log' && source.kind !== 'stdout' && source.kind !== 'otlp') return [];
  return expectedOrdinary(source.expectation, closing);
}

/**
 * Waits, after the last probe, until every sink asked for shows the evidence
 * it is expected to hold — the ordinary canaries it must keep (for `any`,
 * every one sent: the audit cannot know which the sink records), plus, in
 * logs and OTLP, the closing request's, or its first byte — or until
 * `waitMs` has passed; then `settleMs` more for late writes.
 */
export async function waitForEvidence(
  sources: readonly SinkSource[],
  tracked: { evidence: readonly TrackedCanary[]; closing: readonly TrackedCanary[] },
  timing: { waitMs: number; settleMs: number },
  progress: (line: string) => void,
): Promise<AuditWait> {
  const watches = sources
    .filter((s) => s.asked && s.expectation !== 'none')
    .map(
      (s) =>
        new SinkWatch(
          s,
          expectedOrdinary(s.expectation, tracked.evidence),
          closingFor(s, tracked.closing),
        ),
    );
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  let lastProgress = 0;
  while (watches.some((w) => !w.complete) && elapsed() < timing.waitMs) {
    for (const watch of watches) {
      if (watch.complete || Date.now() < watch.nextReadAt) continue;
      watch.nextReadAt = Date.now() + watch.source.pollMs;
      watch.scan((await watch.source.read()).chunks);
      if (watch.complete) {
        watch.completeAfterMs = elapsed();
        progress(
          `${watch.source.name}: ${awaitedWords(watch.awaited.length)} arrived after ${seconds(watch.completeAfterMs)}`,
        );
      }
    }
    if (elapsed() - lastProgress >= PROGRESS_MS) {
      lastProgress = elapsed();
      for (const watch of watches.filter((w) => !w.complete)) {
        // a line when the count changed, and one every few seconds while nothing arrives
        const counts = watch.status();
        if (counts === watch.reported && lastProgress - watch.reportedAt < HEARTBEAT_MS) continue;
        progress(`waiting for ${counts} (${seconds(lastProgress)} of ${seconds(timing.waitMs)})`);
        watch.reported = counts;
        watch.reportedAt = lastProgress;
      }
    }
    if (watches.some((w) => !w.complete)) await sleep(TICK_MS);
  }
  const waitedMs = elapsed();
  const complete = watches.every((w) => w.complete);
  if (watches.length === 0) progress('no sink to wait for');
  else if (complete) {
    progress(
      `every sink's evidence arrived after ${seconds(waitedMs)}; waiting ${seconds(timing.settleMs)} more for late writes of the same batches`,
    );
  } else {
    const missing = watches.filter((w) => !w.complete).map((w) => w.status());
    progress(`stopped waiting at the ${seconds(timing.waitMs)} bound: ${missing.join('; ')}`);
  }
  if (complete && timing.settleMs > 0) await sleep(timing.settleMs);
  return {
    outcome: watches.length === 0 ? 'none' : complete ? 'evidence' : 'bound',
    waitedMs,
    waitMs: timing.waitMs,
    settleMs: complete ? timing.settleMs : 0,
    sinks: watches.map((w) => ({
      sink: w.source.name,
      awaited: w.awaited.length === 0 ? 1 : w.awaited.length,
      arrived: w.awaited.length === 0 ? (w.bytes > 0 ? 1 : 0) : w.found.size,
      completeAfterMs: w.completeAfterMs,
      closingArrived: w.closing.length === 0 ? null : w.closing.every((c) => w.found.has(c)),
    })),
  };
}
