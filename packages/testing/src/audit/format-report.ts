import type { AuditReport, SinkResult } from './types.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function sinkVerdict(sink: SinkResult): string {
  switch (sink.status) {
    case 'ok':
      return 'ok';
    case 'leak':
      return 'LEAK';
    case 'missing-ordinary':
      return 'MISSING ordinary content';
    default:
      return 'LEAK + MISSING ordinary content';
  }
}

function ordinaryCell(sink: SinkResult): string {
  const found = `${sink.ordinaryFound.length}/${sink.ordinaryTotal}`;
  return sink.expectOrdinary === 'none'
    ? `${found} (not required)`
    : `${found} (expected: ${sink.expectOrdinary})`;
}

function leakCell(sink: SinkResult): string {
  if (sink.leaks.length === 0) return '0';
  const labels = sink.leaks.map((l) => l.label);
  return `${labels.length}: ${labels.slice(0, 3).join(', ')}${labels.length > 3 ? ', …' : ''}`;
}

/** The human report: one table per sink, the probes, the flag matrix, the verdict. */
export function formatReport(report: AuditReport): string {
  const lines: string[] = [];
  lines.push(`zrm-audit of ${report.target}  (${report.startedAt}, ${report.durationMs} ms)`, '');
  lines.push('Sinks — ordinary content kept (expected: yes) / ZRM content found (must be: 0)');
  lines.push(
    table([
      ['sink', 'bytes', 'ordinary kept', 'ZRM or rejected content found', 'result'],
      ...report.sinks.map((s) => [
        s.sink,
        String(s.bytes),
        ordinaryCell(s),
        leakCell(s),
        sinkVerdict(s),
      ]),
    ]),
  );
  for (const sink of report.sinks) {
    for (const leak of sink.leaks)
      lines.push(
        `  leak: ${sink.sink}: ${leak.label} [${leak.mode}] as ${leak.form} in ${leak.source}`,
      );
  }
  lines.push('', 'Probes');
  lines.push(
    table([
      ['probe', 'mode', 'request', 'status', 'Zero-Retention', 'result'],
      ...report.probes.map((p) => [
        p.probe,
        p.mode,
        p.request,
        String(p.status),
        p.zeroRetentionHeader ?? '-',
        p.problems.length === 0 ? 'ok' : `MISMATCH: ${p.problems.join('; ')}`,
      ]),
    ]),
  );
  if (report.flagRows.length > 0) {
    lines.push('', 'Flag matrix (DESIGN table)');
    lines.push(
      table([
        ['row', 'query', 'key', 'expected', 'got', 'result'],
        ...report.flagRows.map((r) => [
          r.row,
          r.query === '' ? '(none)' : r.query,
          r.apiKey,
          `${r.expected.status}${r.expected.code ? ` ${r.expected.code}` : ''}${r.expected.zeroRetention === undefined ? '' : r.expected.zeroRetention ? ' ZRM' : ' ordinary'}`,
          `${r.status}${r.code ? ` ${r.code}` : ''}${r.status >= 200 && r.status < 300 ? (r.zeroRetention ? ' ZRM' : ' ordinary') : ''}`,
          r.ok ? 'ok' : 'MISMATCH',
        ]),
      ]),
    );
  }
  if (report.notes.length > 0) lines.push('', 'Notes', ...report.notes.map((n) => `  - ${n}`));
  const leakingSinks = report.sinks.filter((s) => s.leaks.length > 0).map((s) => s.sink);
  lines.push(
    '',
    report.passed
      ? `PASS: no ZRM content in ${report.sinks.length} sinks, ordinary content kept, flag matrix as designed.`
      : `FAIL: ${report.leaks} leak(s)${leakingSinks.length > 0 ? ` in ${leakingSinks.join(', ')}` : ''}, ${report.mismatches} mismatch(es).`,
  );
  return lines.join('\n') + '\n';
}
