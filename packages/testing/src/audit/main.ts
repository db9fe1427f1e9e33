import { isZrmError } from '@zrm/core';
import { formatReport } from './format-report.js';
import { HELP } from './help.js';
import { parseCliArgs } from './parse-args.js';
import { runAudit } from './run-audit.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env?: NodeJS.ProcessEnv;
}

/** The zrm-audit command: returns the exit code (0 pass, 1 leak or mismatch, 2 could not run). */
export async function auditMain(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const options = await parseCliArgs(argv, io.env ?? {});
    if (options.help || options.config === undefined) {
      io.stdout(HELP);
      return 0;
    }
    const progress = options.quiet
      ? undefined
      : (line: string): void => io.stderr(`zrm-audit: ${line}\n`);
    const report = await runAudit(options.config, progress);
    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.passed ? 0 : 1;
  } catch (error) {
    // Only zrm's own messages are printed: they never quote content.
    const message = isZrmError(error)
      ? error.message
      : 'the audit could not run (unexpected error).';
    io.stderr(message.startsWith('zrm-audit') ? `${message}\n` : `zrm-audit: ${message}\n`);
    return 2;
  }
}
