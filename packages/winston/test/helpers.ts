import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import type { Logform } from 'winston';
import { zeroRetentionFormat } from '@zrm/winston';
import type { ZeroRetentionFormatOptions } from '@zrm/winston';

export const { format } = winston;

/** A unique marker string; finding it in a sink proves a leak. */
export function canary(label: string): string {
  return `CANARY_${label}_${randomBytes(8).toString('hex')}`;
}

/** The formats a service typically finishes its records with. */
export function serviceFormats(): Logform.Format {
  return format.combine(format.errors({ stack: true }), format.splat(), format.json());
}

/** The logger's format: the service formats, wrapped by zrm or (the positive control) as they are. */
export function loggerFormat(
  withZrm: boolean,
  options: ZeroRetentionFormatOptions = {},
): Logform.Format {
  const inner = options.format ?? serviceFormats();
  return withZrm ? zeroRetentionFormat({ ...options, format: inner }) : inner;
}

export interface FileLog {
  readonly logger: winston.Logger;
  readonly file: string;
  /** Waits until the File transport has written `lines` lines, and returns the file's text. */
  read(lines: number): Promise<string>;
}

/** A logger writing to a real file through winston's File transport. */
export function fileLogger(
  withZrm: boolean,
  options: winston.LoggerOptions = {},
  zrmOptions: ZeroRetentionFormatOptions = {},
): FileLog {
  const file = join(mkdtempSync(join(tmpdir(), 'zrm-winston-')), 'service.log');
  const logger = winston.createLogger({
    ...options,
    format: loggerFormat(withZrm, zrmOptions),
    transports: [new winston.transports.File({ filename: file })],
  });
  return {
    logger,
    file,
    async read(lines) {
      for (let i = 0; i < 500; i++) {
        const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
        if (text.split('\n').length - 1 >= lines) return text;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`the log file did not reach ${lines} lines`);
    },
  };
}

export function records(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
