import type { AuditReport, CanaryEvidence, FlagRowResult, SinkResult } from './types.js';
import { describer, list } from './verdict.js';

/** A table of the report: plain strings, rendered as text, Markdown or HTML. */
export interface ReportTable {
  title: string;
  /** One sentence on how to read the table. */
  intro: string;
  columns: string[];
  rows: string[][];
  /** Per row: passed, failed, or neither (an empty sink that may be empty), for colour. */
  outcome?: ('ok' | 'bad' | 'neutral')[];
}

/** What a sink holds, canary by canary: the evidence behind its row. */
export interface SinkDetail {
  sink: string;
  /** One line each for what was not found, missing evidence, and leaks. */
  lines: string[];
  /** Every canary found, ordinary or not: where, in which form, at which offset. */
  found: CanaryEvidence[];
}

/** The report, worded once for every output format. */
export interface ReportModel {
  title: string;
  facts: [string, string][];
  verdict: AuditReport['verdict'];
  summary: string;
  sinks: ReportTable;
  details: SinkDetail[];
  probes: ReportTable;
  flags: ReportTable | undefined;
  notes: string[];
}

/** The columns of a sink's evidence table, and one canary found as its row. */
export const EVIDENCE_COLUMNS = ['canary', 'sent', 'found as', 'in', 'at byte'];

export function evidenceRow(e: CanaryEvidence): string[] {
  const sent =
    e.mode === 'ordinary' ? 'ordinarily' : e.mode === 'zrm' ? 'in ZRM (LEAK)' : 'refused (LEAK)';
  return [e.description, sent, e.form, e.source, String(e.offset)];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function expectedCell(sink: SinkResult): string {
  const e = sink.expectOrdinary;
  if (!sink.asked) return 'nothing (not asked for: scanned because data arrived)';
  if (e === 'none') return 'nothing (may stay empty)';
  if (e === 'bytes') return 'some bytes (no canary)';
  if (e === 'any') return `at least 1 of the ${sink.ordinaryTotal}`;
  if (e === 'all') return `all ${sink.ordinaryTotal}`;
  return `${sink.ordinaryExpected.length}: those sent to ${list(e, 8)}`;
}

function resultCell(sink: SinkResult): string {
  switch (sink.status) {
    case 'ok':
      return 'ok';
    case 'empty':
      return 'empty (allowed)';
    case 'leak':
      return sink.hasEvidence ? 'LEAK' : 'LEAK, and NO EVIDENCE';
    case 'no-bytes':
      return 'NO EVIDENCE: no bytes';
    default:
      return 'NO EVIDENCE: ordinary canaries missing';
  }
}

function sinkDetail(sink: SinkResult, describe: (label: string) => string): SinkDetail {
  const lines: string[] = [];
  const expected = new Set(sink.ordinaryExpected);
  const missing = sink.ordinaryExpected.filter((l) => !sink.ordinaryFound.includes(l));
  const unexpected = sink.ordinaryNotFound.filter(
    (l) => !expected.has(l) || sink.expectOrdinary === 'any',
  );
  if (sink.bytes === 0 && !sink.hasEvidence)
    lines.push(
      'received no bytes at all: this sink was asked for, so it proves nothing (is the service writing or exporting here?)',
    );
  else if (sink.expectOrdinary !== 'any' && missing.length > 0)
    lines.push(`MISSING, expected here: ${missing.map(describe).join(', ')}`);
  else if (sink.expectOrdinary === 'any' && sink.ordinaryFound.length === 0 && sink.asked)
    lines.push(
      'MISSING: none of the ordinary canaries sent arrived here, and at least one was expected',
    );
  if (unexpected.length > 0 && sink.ordinaryFound.length > 0) {
    const why = sink.expectOrdinary === 'any' ? 'at least one was expected' : 'not expected here';
    lines.push(`ordinary canaries not found: ${unexpected.map(describe).join(', ')} (${why})`);
  }
  if (sink.scopes !== undefined && sink.scopes.length > 0)
    lines.push(`instrumentation scopes seen: ${sink.scopes.join(', ')}`);
  for (const leak of sink.leaks)
    lines.push(
      `LEAK: ${leak.description} (${leak.mode === 'zrm' ? 'sent in ZRM' : 'of a refused request'}) found as ${leak.form} in ${leak.source} at byte ${leak.offset}`,
    );
  return { sink: sink.sink, lines, found: [...sink.leaks, ...sink.evidence] };
}

function waitFact(report: AuditReport): string {
  const { wait } = report;
  if (wait.outcome === 'none')
    return `no sink to wait for; then ${seconds(wait.settleMs)} for late writes`;
  if (wait.outcome === 'evidence')
    return (
      `${seconds(wait.waitedMs)} after the last probe until every sink's evidence had arrived` +
      (wait.sinks.some((s) => s.closingArrived === true)
        ? ", with the closing request's canary in logs and OTLP (it was sent last: everything before it had been written and exported)"
        : '') +
      ` (bound ${seconds(wait.waitMs)}), then ${seconds(wait.settleMs)} more for late writes`
    );
  const short = wait.sinks
    .filter((s) => s.completeAfterMs === null)
    .map((s) => `${s.sink} (${s.arrived} of ${s.awaited})`);
  return `the full ${seconds(wait.waitMs)} bound after the last probe; still incomplete: ${short.join(', ')}`;
}

function flagCell(r: FlagRowResult, side: 'expected' | 'got'): string {
  if (side === 'expected') {
    const e = r.expected;
    const mode = e.zeroRetention === undefined ? '' : e.zeroRetention ? ' ZRM' : ' ordinary';
    return `${e.status}${e.code ? ` ${e.code}` : ''}${mode}`;
  }
  const mode = r.status >= 200 && r.status < 300 ? (r.zeroRetention ? ' ZRM' : ' ordinary') : '';
  return `${r.status || 'no answer'}${r.code ? ` ${r.code}` : ''}${mode}`;
}

const KEY: Record<FlagRowResult['apiKey'], string> = {
  default: 'default',
  unentitled: 'not entitled',
  forced: 'forced ZRM',
};

/** Words a reviewer can read without the README, shared by the text, Markdown and HTML reports. */
export function reportModel(report: AuditReport): ReportModel {
  const describe = describer(report.canaries);
  const sent = report.canaries.filter((c) => c.mode === 'ordinary' && !c.derived).length;
  const restricted = report.canaries.filter((c) => c.mode !== 'ordinary').length;
  const v = report.versions;
  return {
    title: `zrm-audit of ${report.target}`,
    facts: [
      ['started', report.startedAt],
      ['finished', `${report.finishedAt} (${seconds(report.durationMs)})`],
      ['versions', `zrm-audit ${v.audit}, zrm (@zrm/core) ${v.zrm}, Node ${v.node}`],
      [
        'canaries sent',
        `${sent} ordinary, ${restricted} in ZRM or in requests the design refuses (plus transcripts read back)`,
      ],
      ['waited', waitFact(report)],
    ],
    verdict: report.verdict,
    summary: report.summary,
    sinks: {
      title: 'Sinks',
      intro:
        'Ordinary canaries are the evidence that a sink was really scanned: each sink must hold those expected of it. ZRM and refused canaries must be in none.',
      columns: [
        'sink',
        'bytes scanned',
        'ordinary canaries found',
        'expected in this sink',
        'ZRM or refused canaries found',
        'result',
      ],
      rows: report.sinks.map((s) => [
        s.sink,
        String(s.bytes),
        `${s.ordinaryFound.length} of ${s.ordinaryTotal} sent`,
        expectedCell(s),
        `${s.leaks.length} of ${s.restrictedTotal} sent`,
        resultCell(s),
      ]),
      outcome: report.sinks.map((s) =>
        s.status === 'ok' ? 'ok' : s.status === 'empty' ? 'neutral' : 'bad',
      ),
    },
    details: report.sinks.map((s) => sinkDetail(s, describe)),
    probes: {
      title: 'Probes',
      intro:
        'Each endpoint ordinarily and in ZRM (enable_logging=false). Every ordinary request was sent before any ZRM one; the closing request was sent last. A ZRM answer must carry "Zero-Retention: enforced" and "Cache-Control: no-store".',
      columns: ['probe', 'mode', 'request', 'status', 'Zero-Retention', 'result'],
      rows: report.probes.map((p) => [
        p.probe,
        p.closing ? 'closing' : p.mode === 'zrm' ? 'ZRM' : p.mode,
        p.request,
        String(p.status || 'no answer'),
        p.zeroRetentionHeader ?? '-',
        p.problems.length === 0 ? 'ok' : `MISMATCH: ${p.problems.join('; ')}`,
      ]),
      outcome: report.probes.map((p) => (p.problems.length === 0 ? 'ok' : 'bad')),
    },
    flags:
      report.flagRows.length === 0
        ? undefined
        : {
            title: 'Flag matrix',
            intro: `Each row of the design's flag table, sent to probe ${report.flagProbe}. The mode of a 2xx answer is read from its Zero-Retention header.`,
            columns: ['row', 'query', 'API key', 'expected', 'got', 'result'],
            rows: report.flagRows.map((r) => [
              r.row,
              r.query === '' ? '(none)' : r.query,
              KEY[r.apiKey],
              flagCell(r, 'expected'),
              flagCell(r, 'got'),
              r.ok ? 'ok' : 'MISMATCH',
            ]),
            outcome: report.flagRows.map((r) => (r.ok ? 'ok' : 'bad')),
          },
    notes: report.notes,
  };
}
