import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePolicy, type RedactionEvent, type ZrmScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { markSensitive } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINOS, canary } from './helpers.js';

/**
 * Guarantee 5 through pino: a resource keeps the async context of whoever
 * created it, not of the request whose data flows through it. Each case has a
 * real loopback connection or a real timer carry a ZRM request's content into
 * a line written in another context, and reads the bytes pino wrote to a file.
 */

/** A provider on loopback: answers every line with `transcribed: <line>`. */
let provider: Server;
let port = 0;
beforeAll(async () => {
  provider = createServer((socket) => {
    socket.setEncoding('utf8');
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        socket.write(`transcribed: ${pending.slice(0, nl)}\n`);
        pending = pending.slice(nl + 1);
      }
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  port = (provider.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => provider.close(resolve));
});

const events: RedactionEvent[] = [];
const policy = definePolicy({
  taint: { graceMs: 0 },
  onRedaction: (event) => events.push(event),
});

function logFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'zrm-pino-cross-')), 'service.log');
}

function zrmRequest(text: string): ZrmScope {
  const scope = createScope({ zeroRetention: true, requestId: 'zrm-req', policy });
  scope.run(() => markSensitive(text));
  return scope;
}

/** A shared provider connection, opened lazily by whichever request needs it first. */
class SharedConnection {
  #socket: Socket | undefined;
  #waiters: ((line: string) => void)[] = [];
  constructor(private readonly onLine: (line: string) => void) {}

  open(): Promise<void> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve());
      socket.setEncoding('utf8');
      let pending = '';
      // this listener keeps the async context of the request that opened the connection
      socket.on('data', (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          this.onLine(line);
          this.#waiters.shift()?.(line);
        }
      });
      this.#socket = socket;
    });
  }

  send(text: string): Promise<string> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#socket?.write(`${text}\n`);
    });
  }

  close(): void {
    this.#socket?.destroy();
  }
}

type Pino = (typeof PINOS)[number][1];

function loggers(pino: Pino, file: string, withZrm: boolean) {
  const options = { level: 'info', base: undefined, timestamp: false };
  return pino(
    withZrm ? withZeroRetention(options) : options,
    pino.destination({ dest: file, sync: true }),
  );
}

describe.each(PINOS)('the net in every context (%s)', (_name, pino) => {
  for (const withZrm of [true, false]) {
    const label = withZrm ? 'with zrm' : 'plain pino (positive control)';

    it(`keeps a ZRM transcript out of a line logged by a provider connection an ordinary request opened (${label})`, async () => {
      const file = logFile();
      const log = loggers(pino, file, withZrm);
      const zrmText = canary('zrm-transcript');
      const ordinaryText = canary('ordinary-transcript');
      const connection = new SharedConnection((line) =>
        log.info({ transcript: line }, 'provider message'),
      );
      const ordinary = createScope({ zeroRetention: false, requestId: 'ord-req', policy });
      await ordinary.run(async () => {
        await connection.open();
        await connection.send(ordinaryText);
      });
      const zrm = zrmRequest(zrmText);
      await zrm.run(() => connection.send(zrmText));
      zrm.end();
      ordinary.end();
      connection.close();
      const written = readFileSync(file, 'utf8');
      expect(written).toContain(`transcribed: ${ordinaryText}`);
      if (withZrm) {
        expect(written).not.toContain(zrmText);
        expect(written).toContain('"transcript":"transcribed: [REDACTED]"');
      } else {
        expect(written).toContain(zrmText);
      }
    });

    it(`keeps a ZRM input out of a batch flushed by a timer an in-flight ordinary request started (${label})`, async () => {
      const file = logFile();
      const log = loggers(pino, file, withZrm);
      const zrmText = canary('zrm-input');
      const ordinaryText = canary('ordinary-input');
      const batch: string[] = [];
      let flushed!: () => void;
      const done = new Promise<void>((resolve) => (flushed = resolve));
      const ordinary = createScope({ zeroRetention: false, requestId: 'ord-req', policy });
      ordinary.run(() => {
        batch.push(ordinaryText);
        // the batcher's timer, and so its flush, runs in the ordinary request's context
        setTimeout(() => {
          log.info({ inputs: batch.splice(0), size: 2 }, 'batch flushed');
          flushed();
        }, 20);
      });
      const zrm = zrmRequest(zrmText);
      zrm.run(() => batch.push(zrmText));
      await done;
      zrm.end();
      ordinary.end();
      const [line] = readFileSync(file, 'utf8').trim().split('\n');
      const record = JSON.parse(line as string) as { inputs: string[]; size: number };
      expect(record.size).toBe(2);
      expect(record.inputs[0]).toBe(ordinaryText);
      expect(record.inputs[1]).toBe(withZrm ? '[REDACTED]' : zrmText);
    });

    it(`keeps ZRM content out of a line logged by a socket that outlived its request (${label})`, async () => {
      const file = logFile();
      const log = loggers(pino, file, withZrm);
      const zrmText = canary('zrm-late');
      const connection = new SharedConnection((line) => log.info(`provider said ${line}`));
      const earlier = createScope({ zeroRetention: false, requestId: 'gone', policy });
      await earlier.run(() => connection.open());
      earlier.end(); // the pooled socket now carries an ended request's context
      const zrm = zrmRequest(zrmText);
      await zrm.run(() => connection.send(zrmText));
      zrm.end();
      connection.close();
      const written = readFileSync(file, 'utf8');
      expect(written).toContain('provider said transcribed: ');
      if (withZrm) expect(written).not.toContain(zrmText);
      else expect(written).toContain(zrmText);
    });
  }

  it('scrubs lines whose rendering cannot be judged from their inputs: serializers, errors, toJSON, mixin', () => {
    const file = logFile();
    const zrmText = canary('zrm-rendered');
    const kept = canary('kept');
    const log = pino(
      withZeroRetention({
        base: undefined,
        timestamp: false,
        serializers: { job: (job: { text: string }) => ({ summary: job.text }) },
      }),
      pino.destination({ dest: file, sync: true }),
    );
    const withMixin = pino(
      withZeroRetention({ base: undefined, timestamp: false, mixin: () => ({ last: zrmText }) }),
      pino.destination({ dest: file, sync: true }),
    );
    class Job {
      constructor(readonly text: string) {}
      toJSON() {
        return { text: this.text };
      }
    }
    const zrm = zrmRequest(zrmText);
    const ordinary = createScope({ zeroRetention: false, policy });
    ordinary.run(() => {
      log.info({ job: { text: zrmText }, kept }, 'serialized');
      log.info({ err: new Error(`provider failed: ${zrmText}`), kept }, 'failed');
      log.info({ job2: new Job(zrmText), kept }, 'toJSON');
      withMixin.info({ kept }, 'mixin');
    });
    zrm.end();
    ordinary.end();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).not.toContain(zrmText);
      expect(line).toContain(kept);
      expect(line).toContain('[REDACTED]');
    }
  });

  it('counts each catch as a content-free cross-context event naming the sink and the writing request', () => {
    events.length = 0;
    const file = logFile();
    const log = loggers(pino, file, true);
    const zrmText = canary('zrm-counted');
    const zrm = zrmRequest(zrmText);
    createScope({ zeroRetention: false, requestId: 'ord-counted', policy }).run(() =>
      log.info({ inputs: [zrmText] }, 'batch'),
    );
    zrm.end();
    expect(events).toContainEqual({
      kind: 'cross-context',
      count: 1,
      sink: 'pino',
      requestId: 'ord-counted',
    });
    expect(JSON.stringify(events)).not.toContain(zrmText);
  });

  it('writes the ZRM content again once the request is released (no lasting over-redaction)', () => {
    const file = logFile();
    const log = loggers(pino, file, true);
    const text = canary('released');
    zrmRequest(text).end(); // graceMs 0: released at once
    createScope({ zeroRetention: false, policy }).run(() => log.info({ text }, 'later'));
    expect(readFileSync(file, 'utf8')).toContain(text);
  });
});
