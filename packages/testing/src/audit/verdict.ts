import type { AuditVerdict, FlagRowResult, ProbeResult, SentCanary, SinkResult } from './types.js';

export interface VerdictInput {
  canaries: readonly SentCanary[];
  probes: readonly ProbeResult[];
  flagRows: readonly FlagRowResult[];
  sinks: readonly SinkResult[];
}

export function list(items: readonly string[], max = 4): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** A canary's description from its label. */
export function describer(canaries: readonly SentCanary[]): (label: string) => string {
  const byLabel = new Map(canaries.map((c) => [c.label, c.description]));
  return (label) => byLabel.get(label) ?? label;
}

/** Why a sink lacks its evidence, in words. */
export function missingEvidence(sink: SinkResult, describe: (label: string) => string): string {
  if (sink.bytes === 0) return `${sink.sink} received no bytes`;
  if (sink.expectOrdinary === 'any')
    return `${sink.sink} held none of the ${sink.ordinaryTotal} ordinary canaries sent`;
  const missing = sink.ordinaryExpected.filter((l) => !sink.ordinaryFound.includes(l));
  return `${sink.sink} lacks ${missing.length} of the ${sink.ordinaryExpected.length} ordinary canaries expected of it (${list(missing.map(describe), 3)})`;
}

/**
 * The verdict and its one-sentence summary: FAIL on any leak or answer that
 * differs from the design; INCONCLUSIVE when there is none but a sink asked
 * for lacks its evidence (or no sink was given); PASS otherwise.
 */
export function decideVerdict(input: VerdictInput): {
  verdict: AuditVerdict;
  summary: string;
  leaks: number;
  mismatches: number;
  sinksWithoutEvidence: string[];
} {
  const leaks = input.sinks.reduce((n, s) => n + s.leaks.length, 0);
  const badProbes = input.probes.filter((p) => p.problems.length > 0);
  const badRows = input.flagRows.filter((r) => !r.ok);
  const mismatches = badProbes.reduce((n, p) => n + p.problems.length, 0) + badRows.length;
  const without = input.sinks.filter((s) => !s.hasEvidence);
  const asked = input.sinks.filter((s) => s.asked);
  const describe = describer(input.canaries);
  const noEvidence = without.map((s) => missingEvidence(s, describe));
  const parts: string[] = [];
  if (leaks > 0) {
    const where = input.sinks.filter((s) => s.leaks.length > 0).map((s) => s.sink);
    parts.push(`${leaks} ZRM or refused canar${leaks === 1 ? 'y' : 'ies'} found in ${list(where)}`);
  }
  if (mismatches > 0) {
    const what = [
      ...badProbes.map((p) => `probe ${p.probe} (${p.mode === 'zrm' ? 'ZRM' : p.mode})`),
      ...badRows.map((r) => `flag row "${r.row}"`),
    ];
    parts.push(
      `${mismatches} answer${mismatches === 1 ? '' : 's'} differ${mismatches === 1 ? 's' : ''} from the design: ${list(what)}`,
    );
  }
  const sinksWithoutEvidence = without.map((s) => s.sink);
  if (leaks > 0 || mismatches > 0) {
    if (noEvidence.length > 0) parts.push(`and ${list(noEvidence)}`);
    return {
      verdict: 'fail',
      summary: `FAIL: ${parts.join('; ')}.`,
      leaks,
      mismatches,
      sinksWithoutEvidence,
    };
  }
  if (asked.length === 0 || noEvidence.length > 0) {
    const why = asked.length === 0 ? 'no sink was given to scan' : list(noEvidence);
    return {
      verdict: 'inconclusive',
      summary: `INCONCLUSIVE: no leak found, but ${why} — a sink without its evidence proves nothing about that sink.`,
      leaks,
      mismatches,
      sinksWithoutEvidence,
    };
  }
  return {
    verdict: 'pass',
    summary:
      `PASS: no ZRM or refused content in the ${asked.length} sink${asked.length === 1 ? '' : 's'} scanned, each held the evidence expected of it, ` +
      `and all ${input.probes.length} probe requests and ${input.flagRows.length} flag rows were answered as designed.`,
    leaks,
    mismatches,
    sinksWithoutEvidence,
  };
}
