import { isZrmError } from '@zrm/core';
import { AuditError, isAuditError } from './audit-error.js';
import { formatReport } from './format-report.js';
import { HELP } from './help.js';
import { parseCliArgs } from './parse-args.js';
import { runAudit } from './run-audit.js';
import type { AuditVerdict } from './types.js';
import { checkReportTargets, writeReport } from './write-report.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env?: NodeJS.ProcessEnv;
}

/** The exit code of each verdict; 2 is an audit that could not run. */
export const EXIT_CODES: Record<AuditVerdict, number> = { pass: 0, fail: 1, inconclusive: 3 };

/** Any failure as a content-free `AuditError`: only zrm's own messages are kept, they never quote content. */
function asAuditError(error: unknown): AuditError {
  if (isAuditError(error)) return error;
  if (isZrmError(error))
    return new AuditError(
      'config_invalid',
      error.message,
      error.param === undefined ? {} : { param: error.param },
    );
  return new AuditError('internal', 'zrm-audit: the audit could not run (unexpected error).');
}

/** The zrm-audit command: returns the exit code (0 pass, 1 fail, 2 could not run, 3 inconclusive). */
export async function auditMain(argv: readonly string[], io: CliIo): Promise<number> {
  // known before parsing, so that even a parse error is answered in JSON
  const stop = argv.indexOf('--');
  const json = (stop === -1 ? argv : argv.slice(0, stop)).includes('--json');
  try {
    const options = await parseCliArgs(argv, io.env ?? {});
    if (options.help || options.config === undefined) {
      io.stdout(json ? `${JSON.stringify({ help: HELP })}\n` : HELP);
      return 0;
    }
    await checkReportTargets(options.reports);
    const progress = options.quiet
      ? undefined
      : (line: string): void => io.stderr(`zrm-audit: ${line}\n`);
    const report = await runAudit(options.config, progress);
    for (const file of options.reports) {
      await writeReport(file, report);
      progress?.(`report written to ${file}`);
    }
    // the report comes last, so its verdict is the last line on screen
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return EXIT_CODES[report.verdict];
  } catch (caught) {
    const error = asAuditError(caught);
    if (json) io.stdout(`${JSON.stringify(error.toJSON())}\n`);
    const message = error.message.startsWith('zrm-audit')
      ? error.message
      : `zrm-audit: ${error.message}`;
    io.stderr(`${message}\n`);
    return 2;
  }
}
