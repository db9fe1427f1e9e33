import { randomBytes } from 'node:crypto';
import pino from 'pino';
import pino9 from 'pino9';

/** A unique marker string; finding it in a sink proves a leak. */
export function canary(label: string): string {
  return `CANARY_${label}_${randomBytes(8).toString('hex')}`;
}

/** A destination that keeps exactly the bytes pino wrote to it. */
export interface Capture {
  write(line: string): void;
  readonly chunks: string[];
  text(): string;
  records(): Record<string, unknown>[];
}

export function capture(): Capture {
  const chunks: string[] = [];
  return {
    chunks,
    write(line: string) {
      chunks.push(line);
    },
    text() {
      return chunks.join('');
    },
    records() {
      return chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

type PinoFactory = typeof pino;

/** pino 10 and pino 9: every behaviour is proven on both. */
export const PINOS: readonly (readonly [string, PinoFactory])[] = [
  ['pino 10', pino],
  ['pino 9', pino9 as unknown as PinoFactory],
];
