import { randomBytes } from 'node:crypto';

/** A unique marker string that cannot occur by chance. */
export function canary(label: string): string {
  return `CANARY-${label}-${randomBytes(9).toString('hex')}`;
}

/** Audio-like bytes with a unique pattern; `hex` is how the pattern looks in a hex dump. */
export function audioCanary(size = 4096): Buffer {
  const bytes = randomBytes(size);
  bytes.write('RIFF', 0, 'latin1');
  return bytes;
}

/**
 * Probes for the bytes in a text sink: hex, and base64 aligned so that it
 * appears inside the base64 of the whole buffer (offset and length multiples of 3).
 */
export function binaryForms(bytes: Buffer): string[] {
  const probe = bytes.subarray(63, 63 + 48);
  return [probe.toString('hex'), probe.toString('base64')];
}
