import { Writable } from 'node:stream';
import { describe } from 'vitest';
import { definePolicy } from '../packages/core/dist/index.js';
import { createScope } from '../packages/core/dist/adapter.js';
import { zeroRetentionFormat } from '../packages/winston/dist/index.js';
import { fromPackage } from './lib/deps.js';
import { noneInFlight } from './lib/in-flight.js';
import { interleaved } from './lib/interleave.js';
import { voiceRecord } from './fixtures.js';

interface Logger {
  info(message: string, meta: object): void;
}
interface Winston {
  Logger: { prototype: { write: unknown } };
  createLogger(options: object): Logger;
  format: { json(): object };
  transports: { Stream: new (options: { stream: Writable }) => object };
}
const winston = fromPackage('packages/winston')('winston') as Winston;

// A synchronous sink that keeps only a byte count: every case pays the same for "writing".
let written = 0;
const sink = () =>
  new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      written += chunk.length;
      done();
    },
  });

const policy = definePolicy({ taint: { graceMs: 60_000 } });
const ordinary = createScope({ zeroRetention: false, policy });
const zrm = createScope({ zeroRetention: true, policy });

// The service's own format is json() in both: the zrm logger wraps it.
// zeroRetentionFormat() hooks winston's Logger.prototype.write (records are
// prepared in the writer's async context), so the plain logger keeps winston's
// own write as an own property: the baseline is winston with no zrm at all.
const winstonWrite = winston.Logger.prototype.write;
const plain = winston.createLogger({
  format: winston.format.json(),
  transports: [new winston.transports.Stream({ stream: sink() })],
});
Object.defineProperty(plain, 'write', { value: winstonWrite });
const zrmLogger = winston.createLogger({
  format: zeroRetentionFormat({ format: winston.format.json() as never }),
  transports: [new winston.transports.Stream({ stream: sink() })],
});

const metadata = {
  requestId: 'req-0123456789',
  route: '/v1/text-to-speech/:voice_id',
  status: 200,
  durationMs: 12.5,
};
const record = voiceRecord(1024);

describe('winston info, metadata line', () => {
  interleaved(
    [
      [
        'plain winston, ordinary scope',
        () => ordinary.run(() => plain.info('request completed', metadata)),
      ],
      [
        'zrm winston, ordinary scope',
        () => ordinary.run(() => zrmLogger.info('request completed', metadata)),
      ],
      [
        'zrm winston, ZRM scope',
        () => zrm.run(() => zrmLogger.info('request completed', metadata)),
      ],
    ],
    { setup: noneInFlight },
  );
});

describe('winston info, 1 KiB voice record', () => {
  interleaved(
    [
      [
        'plain winston, ordinary scope',
        () => ordinary.run(() => plain.info('synthesized', record)),
      ],
      [
        'zrm winston, ordinary scope',
        () => ordinary.run(() => zrmLogger.info('synthesized', record)),
      ],
      ['zrm winston, ZRM scope', () => zrm.run(() => zrmLogger.info('synthesized', record))],
    ],
    { setup: noneInFlight },
  );
});

// Keeps the byte count observable so no case's write is optimized away.
export const bytesWritten = (): number => written;
