import { EVIDENCE_COLUMNS, evidenceRow, reportModel } from './report-model.js';
import type { ReportTable } from './report-model.js';
import type { AuditReport } from './types.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

// Everything inline, nothing fetched: the CSP forbids any load but this style element.
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'";

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 16px 24px 48px; max-width: 1200px; color: #1b1f24; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; word-break: break-all; }
h2 { font-size: 17px; margin: 28px 0 6px; }
h3 { font-size: 14px; margin: 18px 0 4px; word-break: break-all; }
#verdict { font-size: 17px; font-weight: 600; padding: 12px 16px; border-radius: 6px; margin: 8px 0 16px; border: 2px solid; }
#verdict.pass { background: #e6f4ea; border-color: #1e7e34; color: #0f4d1f; }
#verdict.fail { background: #fdecea; border-color: #b3261e; color: #7a1610; }
#verdict.inconclusive { background: #fff4e5; border-color: #b26a00; color: #663c00; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.ok { color: #1e7e34; font-weight: 600; }
td.bad { color: #b3261e; font-weight: 600; }
td.neutral { color: #57606a; }
table.facts th { background: none; border: none; padding-left: 0; white-space: nowrap; }
table.facts td { border: none; }
p.intro { margin: 2px 0 6px; color: #424a53; }
ul.lines { margin: 4px 0; padding-left: 20px; }
code, td.mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 12px; }
`;

function table(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  outcome?: readonly string[],
  last = -1,
): string {
  const head = `<tr>${columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row, r) => {
      const cells = row.map((c, i) => {
        const cls =
          i === (last < 0 ? row.length - 1 : last) && outcome?.[r] !== undefined
            ? ` class="${outcome[r]}"`
            : '';
        return `<td${cls}>${escape(c)}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function section(t: ReportTable, id: string): string {
  return `<h2 id="${id}">${escape(t.title)}</h2>\n<p class="intro">${escape(t.intro)}</p>\n${table(t.columns, t.rows, t.outcome)}`;
}

/**
 * The report as one self-contained HTML page — inline CSS, no script, no
 * font, image or other request — with the verdict at the top.
 */
export function formatHtmlReport(report: AuditReport): string {
  const model = reportModel(report);
  const facts = model.facts
    .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`)
    .join('\n');
  const details = model.details
    .map((d) => {
      const lines =
        d.lines.length === 0
          ? ''
          : `<ul class="lines">${d.lines.map((l) => `<li>${escape(l)}</li>`).join('')}</ul>`;
      const found =
        d.found.length === 0
          ? '<p class="intro">No canary was found here.</p>'
          : table(
              EVIDENCE_COLUMNS,
              d.found.map(evidenceRow),
              d.found.map((e) => (e.mode === 'ordinary' ? 'ok' : 'bad')),
              1,
            );
      return `<h3>${escape(d.sink)}</h3>\n${lines}\n${found}`;
    })
    .join('\n');
  const notes =
    model.notes.length === 0
      ? ''
      : `<h2 id="notes">Notes</h2>\n<ul class="lines">${model.notes.map((n) => `<li>${escape(n)}</li>`).join('')}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(`${model.verdict.toUpperCase()} — ${model.title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(model.title)}</h1>
<div id="verdict" class="${model.verdict}" role="status">${escape(model.summary)}</div>
<table class="facts">
${facts}
</table>
${section(model.sinks, 'sinks')}
<h2 id="evidence">Evidence, sink by sink</h2>
<p class="intro">Every canary found: what it was, how it was sent, the form it was found in, and where (a chunk of the sink and a byte offset in it). The report never holds the content itself.</p>
${details}
${section(model.probes, 'probes')}
${model.flags === undefined ? '' : section(model.flags, 'flags')}
${notes}
</body>
</html>
`;
}
