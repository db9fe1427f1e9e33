import { randomBytes } from 'node:crypto';
import { ZrmError } from '@zrm/core';
import type { AudioCanary, Canary, CanaryOptions, TextCanary } from './types.js';
import { wavFromSamples } from './wav.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const LABEL = /^[A-Za-z0-9-]{1,40}$/;

function randomWord(length: number): string {
  const bytes = randomBytes(length);
  let word = '';
  for (const byte of bytes) word += ALPHABET[byte & 31];
  return word;
}

function option(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ZrmError(
      'invalid_request',
      `createCanary: ${name} must be an integer from ${min} to ${max}.`,
      {
        param: name,
      },
    );
  }
  return value;
}

function textCanary(label: string, fragmentLength: number): TextCanary {
  // Random words joined by characters that JSON, URL and form encodings all change,
  // so a search that only knew the plain form would miss an encoded copy.
  const core = `${randomWord(8)} ${randomWord(8)} "${randomWord(8)}" & ${randomWord(8)}/é ${randomWord(8)}`;
  const fragments = new Set<string>();
  for (let i = 0; i + fragmentLength <= core.length; i++)
    fragments.add(core.slice(i, i + fragmentLength));
  return Object.freeze({
    kind: 'text',
    label,
    value: `zrm canary ${label}: ${core}`,
    fragments: Object.freeze([...fragments]),
  });
}

function audioCanary(label: string, markerBytes: number, repeats: number): AudioCanary {
  const marker = new Uint8Array(randomBytes(markerBytes));
  // 10 ms of a quiet tone between markers keeps the file a plausible recording.
  const gap = 160;
  const samples = new Int16Array((Math.ceil(markerBytes / 2) + gap) * repeats);
  let at = 0;
  for (let r = 0; r < repeats; r++) {
    for (let g = 0; g < gap; g++)
      samples[at++] = Math.round(2000 * Math.sin((2 * Math.PI * 440 * g) / 16_000));
    at += Math.ceil(markerBytes / 2);
  }
  const wav = wavFromSamples(samples, 16_000);
  // Write the marker over the reserved sample slots, byte for byte.
  const dataStart = wav.length - samples.byteLength;
  for (let r = 0; r < repeats; r++) {
    const slot = dataStart + ((r + 1) * gap + r * Math.ceil(markerBytes / 2)) * 2;
    wav.set(marker, slot);
  }
  return Object.freeze({ kind: 'audio', label, bytes: wav, marker });
}

/**
 * A new unique canary. Text canaries read like a sentence of random words
 * (with spaces, quotes, `&`, `/` and a non-ASCII letter); audio canaries are a
 * WAV file whose samples repeat a random byte marker.
 */
export function createCanary(options: CanaryOptions = {}): Canary {
  const label = options.label ?? 'canary';
  if (!LABEL.test(label)) {
    throw new ZrmError(
      'invalid_request',
      'createCanary: label must be 1-40 letters, digits or "-".',
      {
        param: 'label',
      },
    );
  }
  if (options.kind === 'audio') {
    return audioCanary(
      label,
      option('markerBytes', options.markerBytes, 24, 12, 256),
      option('repeats', options.repeats, 16, 1, 1024),
    );
  }
  if (options.kind !== undefined && options.kind !== 'text') {
    throw new ZrmError('invalid_request', 'createCanary: kind must be "text" or "audio".', {
      param: 'kind',
    });
  }
  return textCanary(label, option('fragmentLength', options.fragmentLength, 16, 12, 40));
}

/** `createCanary({ kind: 'text', … })` with the narrower type. */
export function createTextCanary(
  label?: string,
  options: Omit<CanaryOptions, 'kind' | 'label'> = {},
): TextCanary {
  return createCanary({
    ...options,
    kind: 'text',
    ...(label === undefined ? {} : { label }),
  }) as TextCanary;
}

/** `createCanary({ kind: 'audio', … })` with the narrower type. */
export function createAudioCanary(
  label?: string,
  options: Omit<CanaryOptions, 'kind' | 'label'> = {},
): AudioCanary {
  return createCanary({
    ...options,
    kind: 'audio',
    ...(label === undefined ? {} : { label }),
  }) as AudioCanary;
}
