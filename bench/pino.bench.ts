import { describe } from 'vitest';
import { createScope, definePolicy } from '../packages/core/dist/index.js';
import { withZeroRetention } from '../packages/pino/dist/index.js';
import { fromPackage } from './lib/deps.js';
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
const zrmLogger = pino(withZeroRetention({ level: 'info' }), sink);

const record = voiceRecord(1024);
const metadata = {
  requestId: 'req-0123456789',
  route: '/v1/text-to-speech/:voice_id',
  status: 200,
  durationMs: 12.5,
};

// Every case runs inside a scope (ordinary or ZRM), so what differs is only the logger's options.
describe('pino info, metadata line', () => {
  interleaved([
    [
      'plain pino, ordinary scope',
      () => ordinary.run(() => plain.info(metadata, 'request completed')),
    ],
    [
      'zrm pino, ordinary scope',
      () => ordinary.run(() => zrmLogger.info(metadata, 'request completed')),
    ],
    ['zrm pino, ZRM scope', () => zrm.run(() => zrmLogger.info(metadata, 'request completed'))],
  ]);
});

describe('pino info, 1 KiB voice record', () => {
  interleaved([
    ['plain pino, ordinary scope', () => ordinary.run(() => plain.info(record, 'synthesized'))],
    ['zrm pino, ordinary scope', () => ordinary.run(() => zrmLogger.info(record, 'synthesized'))],
    [
      "pino's own redact (same fields), ZRM scope",
      () => zrm.run(() => pinoRedact.info(record, 'synthesized')),
    ],
    ['zrm pino, ZRM scope', () => zrm.run(() => zrmLogger.info(record, 'synthesized'))],
  ]);
});
