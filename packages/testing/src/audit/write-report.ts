import { access, constants, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AuditError } from './audit-error.js';
import { formatHtmlReport } from './format-html.js';
import { formatMarkdownReport } from './format-markdown.js';
import type { AuditReport } from './types.js';

/** The report in the format its file name asks for: `.html`/`.htm` or `.md`. */
export function reportFor(file: string, report: AuditReport): string {
  return /\.md$/i.test(file) ? formatMarkdownReport(report) : formatHtmlReport(report);
}

function unwritable(file: string): AuditError {
  return new AuditError(
    'report_unwritable',
    `zrm-audit: the report ${file} cannot be written (does its directory exist, may it be written?).`,
    {
      param: 'report',
    },
  );
}

/** Before the audit runs: every report's directory exists and may be written. */
export async function checkReportTargets(files: readonly string[]): Promise<void> {
  for (const file of files) {
    try {
      await access(dirname(resolve(file)), constants.W_OK);
    } catch {
      throw unwritable(file);
    }
  }
}

export async function writeReport(file: string, report: AuditReport): Promise<void> {
  try {
    await writeFile(file, reportFor(file, report), 'utf8');
  } catch {
    throw unwritable(file);
  }
}
