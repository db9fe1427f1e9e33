import type pino from 'pino';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithScope } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { afterAll, describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'zrm-pino-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const nextFile = (): string => join(dir, `log-${files++}.ndjson`);

type Logger = pino.Logger;

/** One ZRM line and one ordinary line, each with its own canary in every position. */
function writeBoth(log: Logger): { zrm: string; ordinary: string } {
  const zrm = canary('zrm');
  const ordinary = canary('ordinary');
  for (const [c, zeroRetention] of [
    [zrm, true],
    [ordinary, false],
  ] as const) {
    runWithScope({ zeroRetention }, () => {
      log.child({ transcript: c }).info({ text: c, err: new Error(c) }, 'said %s', c);
    });
  }
  return { zrm, ordinary };
}

function expectSplit(written: string, { zrm, ordinary }: { zrm: string; ordinary: string }): void {
  const lines = written.split('\n').filter(Boolean);
  expect(lines).toHaveLength(2);
  expect(written).not.toContain(zrm);
  expect(lines[0]).toContain('"zrm":true');
  expect(lines[1]).toContain(ordinary);
  expect(lines[1]).toContain(`said ${ordinary}`);
}

describe.each(PINOS)('destinations (%s)', (_name, pino) => {
  it('keeps ZRM content out of a file written by pino.destination (sync)', () => {
    const file = nextFile();
    const dest = pino.destination({ dest: file, sync: true });
    const canaries = writeBoth(pino(withZeroRetention(), dest));
    dest.flushSync();
    expectSplit(readFileSync(file, 'utf8'), canaries);
  });

  it('keeps ZRM content out of a file written by pino.destination (async)', async () => {
    const file = nextFile();
    const dest = pino.destination({ dest: file, sync: false, minLength: 4096 });
    const canaries = writeBoth(pino(withZeroRetention(), dest));
    dest.end();
    await once(dest, 'close');
    expectSplit(readFileSync(file, 'utf8'), canaries);
  });

  it('keeps ZRM content out of a file written by a pino.transport worker thread', async () => {
    const file = nextFile();
    const transport = pino.transport({ target: 'pino/file', options: { destination: file } });
    const canaries = writeBoth(pino(withZeroRetention(), transport));
    transport.end();
    await once(transport, 'close');
    expectSplit(readFileSync(file, 'utf8'), canaries);
  });

  it('keeps ZRM content out of every stream of a pino.multistream', () => {
    const a = capture();
    const b = capture();
    const canaries = writeBoth(
      pino(withZeroRetention(), pino.multistream([{ stream: a }, { stream: b, level: 'info' }])),
    );
    expectSplit(a.text(), canaries);
    expectSplit(b.text(), canaries);
  });
});
