import pinoRedact from '@pinojs/redact';
import { bench, describe } from 'vitest';
import {
  currentScope,
  definePolicy,
  markSensitive,
  redact,
  scrubString,
  type ZrmScope,
} from '../packages/core/dist/index.js';
import { createScope } from '../packages/core/dist/adapter.js';
import { CONTENT_PATHS, voiceRecord } from './fixtures.js';

const policy = definePolicy({ taint: { graceMs: 60_000 } });
const zrmScope = createScope({ zeroRetention: true, policy });
const ordinaryScope = createScope({ zeroRetention: false, policy });
const pinojs = pinoRedact({ paths: CONTENT_PATHS, serialize: false });

for (const size of [1024, 16 * 1024]) {
  const record = voiceRecord(size);
  describe(`redact ${size / 1024} KiB record`, () => {
    bench('@pinojs/redact (same fields)', () => {
      pinojs(record);
    });
    bench('zrm redact, ZRM scope', () => {
      zrmScope.run(() => redact(record));
    });
    bench('zrm redact, ordinary scope', () => {
      ordinaryScope.run(() => redact(record));
    });
    bench('one AsyncLocalStorage read, ordinary scope', () => {
      ordinaryScope.run(() => currentScope());
    });
  });
}

// an ordinary log line (not content), scanned against registered content it does not contain
const line = 'GET /v1/history?page_size=100 200 12ms voice=21m00Tcm4TlvDq8ikWAM model=eleven_v2 '
  .repeat(52)
  .slice(0, 4096);
const released = definePolicy({ taint: { graceMs: 0 } });
let active: ZrmScope | undefined;

/** Deterministic, distinct text of `length` characters (a stand-in for a transcript). */
function pseudoText(seed: number, length: number): string {
  const words = [
    'patient',
    'card',
    'number',
    'balance',
    'appointment',
    'refill',
    'account',
    'the',
    'is',
    'my',
  ];
  let x = seed * 2654435761 + 1;
  let out = '';
  while (out.length < length) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += `${words[x % words.length]} ${x % 97} `;
  }
  return out.slice(0, length);
}

// The taint index is process-wide: each bench registers its values in setup and releases them in teardown.
function register(values: number): void {
  active = createScope({ zeroRetention: true, policy: released });
  active.run(() => {
    for (let i = 0; i < values; i++) markSensitive(pseudoText(i, 2048));
  });
}

describe('scrubString 4 KiB line', () => {
  for (const count of [0, 1, 10]) {
    bench(
      `${count} registered values of 2 KB`,
      () => {
        active!.run(() => scrubString(line));
      },
      { setup: () => register(count), teardown: () => active?.end() },
    );
  }
});
