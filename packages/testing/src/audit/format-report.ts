import { reportModel } from './report-model.js';
import type { ReportTable } from './report-model.js';
import type { AuditReport } from './types.js';

function table(t: ReportTable): string[] {
  const rows = [t.columns, ...t.rows];
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return [
    `${t.title} — ${t.intro.charAt(0).toLowerCase()}${t.intro.slice(1)}`,
    ...rows.map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    ),
  ];
}

/** The human report: facts, the sinks and their evidence, the probes, the flag matrix, notes; the verdict last. */
export function formatReport(report: AuditReport): string {
  const model = reportModel(report);
  const lines = [model.title, ...model.facts.map(([k, v]) => `  ${k}: ${v}`), ''];
  lines.push(...table(model.sinks));
  for (const detail of model.details)
    lines.push(...detail.lines.map((l) => `  ${detail.sink}: ${l}`));
  lines.push('', ...table(model.probes));
  if (model.flags !== undefined) lines.push('', ...table(model.flags));
  if (model.notes.length > 0) lines.push('', 'Notes', ...model.notes.map((n) => `  - ${n}`));
  lines.push('', model.summary);
  return `${lines.join('\n')}\n`;
}
