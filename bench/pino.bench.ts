import { describe } from 'vitest';
import { definePolicy } from '../packages/core/dist/index.js';
import { createScope } from '../packages/core/dist/adapter.js';
import { withZeroRetention } from '../packages/pino/dist/index.js';
import { fromPackage } from './lib/deps.js';
import { ZrmRequestsInFlight, noneInFlight } from './lib/in-flight.js';
import { interleaved } from './lib/interleave.js';
import { CONTENT_PATHS, voiceRecord } from './fixtures.js';

type Logger = { info(obj: object, msg: string): void };
const pino = fromPackage('packages/pino')('pino') as (options: object, stream: object) => Logger;

// A synchronous sink that keeps only a byte count: every case pays the same for "writing".
let written = 0;
const sink = { write: (line: string) => void (written += line.length) };

const policy = definePolicy({ taint: { graceMs: 60_000 } });
const ordinary = createScope({ zeroRetention: false, policy });
const zrm = createScope({ zeroRetention: true, policy });

const plain = pino({ level: 'info' }, sink);
const pinoRedact = pino({ level: 'info', redact: { paths: CONTENT_PATHS } }, sink);
const pinoRedactText = pino({ level: 'info', redact: { paths: ['text'] } }, sink);
const zrmLogger = pino(withZeroRetention({ level: 'info' }), sink);

const record = voiceRecord(1024);
const metadata = {
  requestId: 'req-0123456789',
  route: '/v1/text-to-speech/:voice_id',
  status: 200,
  durationMs: 12.5,
};
/** A voice API's usual line: a few metadata fields and a short text (62 characters). */
const small = {
  requestId: 'req-0123456789',
  voice_id: '21m00Tcm4TlvDq8ikWAM',
  text: 'Your table for two is booked for Friday at eight. See you then',
  status: 200,
};

// Every case runs inside a scope (ordinary or ZRM), so what differs is only the logger's options.
describe('pino info, metadata line', () => {
  interleaved(
    [
      [
        'plain pino, ordinary scope',
        () => ordinary.run(() => plain.info(metadata, 'request completed')),
      ],
      [
        'zrm pino, ordinary scope',
        () => ordinary.run(() => zrmLogger.info(metadata, 'request completed')),
      ],
      ['zrm pino, ZRM scope', () => zrm.run(() => zrmLogger.info(metadata, 'request completed'))],
    ],
    { setup: noneInFlight },
  );
});

describe('pino info, 1 KiB voice record', () => {
  interleaved(
    [
      ['plain pino, ordinary scope', () => ordinary.run(() => plain.info(record, 'synthesized'))],
      ['zrm pino, ordinary scope', () => ordinary.run(() => zrmLogger.info(record, 'synthesized'))],
      [
        "pino's own redact (same fields), ZRM scope",
        () => zrm.run(() => pinoRedact.info(record, 'synthesized')),
      ],
      ['zrm pino, ZRM scope', () => zrm.run(() => zrmLogger.info(record, 'synthesized'))],
    ],
    { setup: noneInFlight },
  );
});

describe('pino info, small voice record', () => {
  interleaved(
    [
      [
        "pino's own redact (same fields), ZRM scope",
        () => zrm.run(() => pinoRedactText.info(small, 'synthesized')),
      ],
      ['zrm pino, ZRM scope', () => zrm.run(() => zrmLogger.info(small, 'synthesized'))],
    ],
    { setup: noneInFlight },
  );
});

// 1,000 ZRM requests in flight, opened before each case of these groups (their own plain
// baseline included) and ended after it. "arriving": every 10th line, one more request
// registers its text and the oldest ends; 9 lines of 10 do no registration, so the case's
// median is a line's time with the index changing under it (a registration shows in the mean).
const inFlight = new ZrmRequestsInFlight([JSON.stringify(metadata), JSON.stringify(record)]);
const lines: [group: string, line: object, msg: string][] = [
  ['metadata line', metadata, 'request completed'],
  ['1 KiB voice record', record, 'synthesized'],
];
for (const [group, line, msg] of lines) {
  describe(`pino info, ${group}, ZRM requests in flight`, () => {
    interleaved(
      [
        ['plain pino, ordinary scope', () => ordinary.run(() => plain.info(line, msg))],
        [
          'zrm pino, ordinary scope, ZRM requests in flight',
          () => ordinary.run(() => zrmLogger.info(line, msg)),
        ],
        [
          'zrm pino, ordinary scope, ZRM requests arriving',
          () => {
            inFlight.arrive();
            ordinary.run(() => zrmLogger.info(line, msg));
          },
        ],
      ],
      { setup: inFlight.open, teardown: inFlight.close },
    );
  });
}
