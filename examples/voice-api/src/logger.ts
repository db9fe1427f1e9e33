import pino, { type Logger } from 'pino';
import { withZeroRetention } from '@zrm/pino';

export interface LoggerOptions {
  /** Log file (the retention sink the audit scans). */
  file: string;
  /** Also write to stdout. */
  stdout?: boolean;
  level?: string;
  /** Test-only: false builds plain pino, to prove the audit catches a leak. */
  zeroRetention?: boolean;
}

/** pino, wired as production would wire it: a file (and stdout), with the ZRM options. */
export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [
    { stream: pino.destination({ dest: options.file, sync: true, mkdir: true }) },
  ];
  if (options.stdout === true) streams.push({ stream: process.stdout });
  const pinoOptions = {
    level: options.level ?? 'info',
    base: { service: 'voice-api' },
    // the service's own static redaction keeps working under withZeroRetention
    redact: { paths: ['req.headers["xi-api-key"]', 'req.headers.authorization'], censor: '[key]' },
  };
  return pino(
    options.zeroRetention === false ? pinoOptions : withZeroRetention(pinoOptions),
    pino.multistream(streams),
  );
}
