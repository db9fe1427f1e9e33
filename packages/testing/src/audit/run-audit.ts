import { startOtlpReceiver } from '../otlp-receiver.js';
import { startSentryReceiver } from '../sentry-receiver.js';
import type { OtlpReceiver, SentryReceiver } from '../types.js';
import { AuditError } from './audit-error.js';
import { checkFlagRow, checkProbeReply } from './check-reply.js';
import { evaluateSink } from './evaluate-sinks.js';
import type { UsedApiKey } from './history-api.js';
import { planRequests } from './plan.js';
import type { PlannedRequest } from './plan.js';
import { sendProbe } from './send-probe.js';
import { logOffsets, sinkSources } from './sink-sources.js';
import { dropSharedDerived, trackRequest } from './tracked-canary.js';
import type { TrackedCanary } from './tracked-canary.js';
import type { AuditConfig, AuditReport, FlagRowResult, ProbeResult, SentCanary } from './types.js';
import { decideVerdict } from './verdict.js';
import { auditVersions } from './versions.js';
import { waitForEvidence } from './wait-for-evidence.js';

export interface AuditProgress {
  /** One content-free line per step (the CLI writes it to stderr). */
  (line: string): void;
}

/** A service that does not answer at all cannot be audited: an error, not a list of mismatches. */
async function assertReachable(config: AuditConfig): Promise<void> {
  try {
    const response = await fetch(config.baseUrl, { signal: AbortSignal.timeout(config.timeoutMs) });
    await response.arrayBuffer();
  } catch {
    throw new AuditError(
      'service_unreachable',
      'zrm-audit: the service did not answer at the given --url (is it running, on that port?).',
      { param: 'baseUrl' },
    );
  }
}

async function startReceiver(
  config: AuditConfig,
  progress: AuditProgress,
): Promise<OtlpReceiver | undefined> {
  if (config.otlp === false) return undefined;
  const { host, port, signals } = config.otlp;
  try {
    const receiver = await startOtlpReceiver({ host, port });
    progress(`OTLP receiver listening on ${receiver.url}; expecting ${signals.join(', ')}`);
    return receiver;
  } catch {
    throw new AuditError(
      'receiver_unavailable',
      `zrm-audit: the OTLP receiver could not listen on ${host}:${port} (in use? choose another --otlp-port).`,
      { param: 'otlp.port' },
    );
  }
}

async function startSentry(
  config: AuditConfig,
  progress: AuditProgress,
): Promise<SentryReceiver | undefined> {
  if (config.sentry === false) return undefined;
  const { host, port } = config.sentry;
  try {
    const receiver = await startSentryReceiver({ host, port });
    progress(`Sentry receiver listening; DSN ${receiver.dsn}`);
    return receiver;
  } catch {
    throw new AuditError(
      'receiver_unavailable',
      `zrm-audit: the Sentry receiver could not listen on ${host}:${port} (in use? choose another --sentry-port).`,
      { param: 'sentry.port' },
    );
  }
}

function usedKeys(requests: readonly PlannedRequest[]): UsedApiKey[] {
  const keys = new Map<string | undefined, UsedApiKey>();
  for (const r of requests)
    if (!keys.has(r.apiKey)) keys.set(r.apiKey, { role: r.apiKeyRole, key: r.apiKey });
  return [...keys.values()];
}

const sent = (t: TrackedCanary): SentCanary => ({
  label: t.canary.label,
  description: t.description,
  mode: t.mode,
  kind: t.canary.kind,
  probe: t.probe,
  derived: t.derived,
});

/**
 * Runs the audit: starts the OTLP (and Sentry) receiver, sends every flag-table row and
 * every probe in ZRM and ordinarily (each with fresh canaries), waits until
 * every sink shows the evidence it is expected to hold (or `waitMs` passes),
 * scans every sink, and reports leaks, mismatches and missing evidence.
 */
export async function runAudit(
  config: AuditConfig,
  progress: AuditProgress = () => {},
): Promise<AuditReport> {
  await assertReachable(config);
  const startedAt = Date.now();
  const notes: string[] = [];
  const offsets = await logOffsets([...config.logFiles, ...config.stdoutFiles]);
  const receiver = await startReceiver(config, progress);
  let sentry: SentryReceiver | undefined;
  try {
    sentry = await startSentry(config, progress);
    const { requests, skipped } = planRequests(config);
    notes.push(...skipped);
    const tracked: TrackedCanary[] = [];
    const closing: TrackedCanary[] = [];
    const probes: ProbeResult[] = [];
    const flagRows: FlagRowResult[] = [];
    for (const [i, planned] of requests.entries()) {
      const reply = await sendProbe(config, planned);
      (planned.closing ? closing : tracked).push(...trackRequest(planned, reply));
      const what =
        planned.row !== undefined
          ? `flag row "${planned.row.name}"`
          : planned.closing
            ? `${planned.probe.name} closing ordinary request`
            : `${planned.probe.name} ${planned.mode === 'zrm' ? 'ZRM' : planned.mode}`;
      progress(
        `[${i + 1}/${requests.length}] ${what}: ${reply.request} → ${reply.status || 'no answer'}`,
      );
      if (planned.row === undefined) probes.push(checkProbeReply(planned, reply));
      else
        flagRows[config.flagRows.indexOf(planned.row)] = checkFlagRow(planned, planned.row, reply);
    }
    const canaries = dropSharedDerived(tracked);
    const sources = sinkSources(config, {
      startedAt,
      offsets,
      receiver,
      sentry,
      apiKeys: usedKeys(requests),
    });
    const wait = await waitForEvidence(
      sources,
      { evidence: canaries, closing: closing.filter((t) => !t.derived) },
      config,
      progress,
    );
    progress('scanning every sink for every canary');
    const sinks = [];
    for (const source of sources) {
      const read = await source.read();
      notes.push(...read.notes);
      const result = evaluateSink(source, read, canaries);
      // a signal nobody asked for is reported only when the service sent it data
      if (source.asked || result.bytes > 0) sinks.push(result);
    }
    // the probe table reads endpoint by endpoint: ordinary, ZRM, closing
    const order = (p: ProbeResult): number =>
      config.probes.findIndex((c) => c.name === p.probe) * 3 +
      (p.closing ? 2 : p.mode === 'zrm' ? 1 : 0);
    const report = {
      canaries: canaries.map(sent),
      probes: probes.sort((a, b) => order(a) - order(b)),
      flagProbe: config.flagProbe,
      // in the order of the table (ordinary rows were sent first), skipped rows left out
      flagRows: flagRows.filter((r) => r !== undefined),
      sinks,
    };
    const finishedAt = Date.now();
    const verdict = decideVerdict(report);
    return {
      target: config.baseUrl,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      versions: auditVersions(),
      ...verdict,
      passed: verdict.verdict === 'pass',
      wait,
      ...report,
      notes,
    };
  } finally {
    await Promise.all([receiver?.close(), sentry?.close()]);
  }
}
