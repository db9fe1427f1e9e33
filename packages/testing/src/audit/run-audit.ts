import { ZrmError } from '@zrm/core';
import { startOtlpReceiver } from '../otlp-receiver.js';
import type { OtlpReceiver, TextCanary } from '../types.js';
import { checkFlagRow, checkProbeReply } from './check-reply.js';
import { collectSinks, logOffsets } from './collect-sinks.js';
import { evaluateSink } from './evaluate-sinks.js';
import type { TrackedCanary } from './evaluate-sinks.js';
import { planRequests } from './plan.js';
import type { PlannedRequest } from './plan.js';
import { readField } from './probe-url.js';
import { sendProbe } from './send-probe.js';
import type { ProbeReply } from './send-probe.js';
import type { AuditConfig, AuditReport, FlagRowResult, ProbeResult } from './types.js';

export interface AuditProgress {
  /** One content-free line per step (the CLI writes it to stderr). */
  (line: string): void;
}

const MIN_DERIVED = 16;

function derivedCanary(planned: PlannedRequest, reply: ProbeReply): TextCanary | undefined {
  const field = planned.probe.responseTextField;
  if (field === undefined) return undefined;
  const value = readField(reply.json, field);
  if (typeof value !== 'string' || value.length < MIN_DERIVED) return undefined;
  return Object.freeze({
    kind: 'text',
    label: `${planned.label}-response`,
    value,
    fragments: Object.freeze([]),
  });
}

/** Derived texts that ordinary and ZRM requests share (a fixed transcript) prove nothing either way. */
function dropSharedDerived(tracked: TrackedCanary[]): TrackedCanary[] {
  const values = new Map<string, Set<string>>();
  for (const t of tracked) {
    if (!t.derived || t.canary.kind !== 'text') continue;
    const modes = values.get(t.canary.value) ?? new Set<string>();
    modes.add(t.mode === 'ordinary' ? 'ordinary' : 'restricted');
    values.set(t.canary.value, modes);
  }
  return tracked.filter(
    (t) => !t.derived || t.canary.kind !== 'text' || values.get(t.canary.value)?.size === 1,
  );
}

/** A service that does not answer at all is a usage error, not a list of mismatches. */
async function assertReachable(config: AuditConfig): Promise<void> {
  try {
    const response = await fetch(config.baseUrl, { signal: AbortSignal.timeout(config.timeoutMs) });
    await response.arrayBuffer();
  } catch {
    throw new ZrmError(
      'invalid_request',
      'zrm-audit: the service did not answer at the given --url.',
      {
        param: 'baseUrl',
      },
    );
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the audit: starts the OTLP receiver, sends every probe ordinarily and
 * in ZRM and every flag-table row (each with fresh canaries), waits for the
 * service's exporters, scans every sink, and reports leaks and mismatches.
 */
export async function runAudit(
  config: AuditConfig,
  progress: AuditProgress = () => {},
): Promise<AuditReport> {
  await assertReachable(config);
  const startedAt = Date.now();
  const notes: string[] = [];
  const offsets = await logOffsets(config.logFiles);
  let receiver: OtlpReceiver | undefined;
  if (config.otlp !== false) {
    receiver = await startOtlpReceiver({ host: config.otlp.host, port: config.otlp.port });
    progress(`OTLP receiver listening on ${receiver.url} (/v1/traces, /v1/logs, /v1/metrics)`);
  }
  try {
    const { requests, skipped } = planRequests(config);
    notes.push(...skipped);
    const tracked: TrackedCanary[] = [];
    const probes: ProbeResult[] = [];
    const flagRows: FlagRowResult[] = [];
    for (const [i, planned] of requests.entries()) {
      const reply = await sendProbe(config, {
        probe: planned.probe,
        query: planned.query,
        apiKey: planned.apiKey,
        text: planned.text,
        audio: planned.audio,
      });
      for (const canary of [planned.text, planned.audio]) {
        if (canary !== undefined) tracked.push({ canary, mode: planned.mode, derived: false });
      }
      const derived = derivedCanary(planned, reply);
      if (derived !== undefined)
        tracked.push({ canary: derived, mode: planned.mode, derived: true });
      const what =
        planned.row === undefined
          ? `${planned.probe.name} ${planned.mode}`
          : `flag row "${planned.row.name}"`;
      progress(
        `[${i + 1}/${requests.length}] ${what}: ${reply.request} → ${reply.status || 'no answer'}`,
      );
      if (planned.row === undefined) probes.push(checkProbeReply(planned, reply));
      else flagRows.push(checkFlagRow(planned, planned.row, reply));
    }
    if (config.settleMs > 0) {
      progress(`waiting ${config.settleMs} ms for the service's exporters and writers`);
      await sleep(config.settleMs);
    }
    progress('scanning sinks');
    const apiKeys = [...new Set(requests.map((r) => r.apiKey))];
    const sinks = await collectSinks(config, { startedAt, offsets, receiver, apiKeys, notes });
    const canaries = dropSharedDerived(tracked);
    const sinkResults = sinks.map((sink) => evaluateSink(sink, canaries));
    const leaks = sinkResults.reduce((n, s) => n + s.leaks.length, 0);
    const mismatches =
      probes.reduce((n, p) => n + p.problems.length, 0) +
      flagRows.filter((r) => !r.ok).length +
      sinkResults.filter((s) => s.status.includes('missing')).length;
    return {
      target: config.baseUrl,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Date.now() - startedAt,
      passed: leaks === 0 && mismatches === 0,
      leaks,
      mismatches,
      probes,
      flagRows,
      sinks: sinkResults,
      notes,
    };
  } finally {
    await receiver?.close();
  }
}
