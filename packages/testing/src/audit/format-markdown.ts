import { EVIDENCE_COLUMNS, evidenceRow, reportModel } from './report-model.js';
import type { ReportTable } from './report-model.js';
import type { AuditReport } from './types.js';

/** A cell's text with Markdown's table and inline syntax made literal. */
function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function table(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function section(t: ReportTable): string[] {
  return [`## ${t.title}`, '', cell(t.intro), '', ...table(t.columns, t.rows), ''];
}

/** The report as Markdown: verdict first, then the same sections as the text report, with each canary found. */
export function formatMarkdownReport(report: AuditReport): string {
  const model = reportModel(report);
  const lines = [`# ${cell(model.title)}`, '', `**${cell(model.summary)}**`, ''];
  lines.push(...table(['about this audit', ''], model.facts), '');
  lines.push(...section(model.sinks));
  for (const detail of model.details) {
    lines.push(`### ${cell(detail.sink)}`, '');
    lines.push(...detail.lines.map((l) => `- ${cell(l)}`));
    if (detail.lines.length > 0) lines.push('');
    if (detail.found.length === 0) lines.push('No canary was found here.', '');
    else lines.push(...table(EVIDENCE_COLUMNS, detail.found.map(evidenceRow)), '');
  }
  lines.push(...section(model.probes));
  if (model.flags !== undefined) lines.push(...section(model.flags));
  if (model.notes.length > 0)
    lines.push('## Notes', '', ...model.notes.map((n) => `- ${cell(n)}`), '');
  lines.push(`**${cell(model.summary)}**`, '');
  return lines.join('\n');
}
