import { randomBytes, randomUUID } from 'node:crypto';

/** A unique marker string: if it is found in a sink, it came from this test. */
export function canary(label: string): string {
  return `ZRMCANARY-${label}-${randomUUID()}`;
}

/** A unique audio-like byte pattern (random bytes around a fixed marker). */
export function audioCanary(): Buffer {
  return Buffer.concat([Buffer.from([0x49, 0x44, 0x33]), randomBytes(29)]);
}

/** The forms a value can take in a row rendered as text: itself, and bytea hex. */
export function needlesOf(value: string | Buffer): string[] {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const forms = [bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, '')];
  if (typeof value === 'string') forms.push(value);
  return forms;
}
