import { createServer, type Server } from 'node:http';
import { currentScope, definePolicy, markSensitive } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { runWithScope, setDefaultPolicy, type RedactionEvent } from '@zrm/core';
import { zeroRetentionFormat } from '@zrm/winston';
import winston from 'winston';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, fileLogger, format, records } from './helpers.js';

const events: RedactionEvent[] = [];
const policy = definePolicy({ taint: { graceMs: 0 }, onRedaction: (e) => events.push(e) });

/** The formats of a service that logs timestamps and labels (fixed, so two runs can be compared byte for byte). */
const formats = () =>
  format.combine(
    format.label({ label: 'tts' }),
    format.timestamp({ format: () => '2026-01-01T00:00:00.000Z' }),
    format.errors({ stack: true }),
    format.splat(),
    format.json(),
  );

function ordinaryCalls(logger: winston.Logger, text: string, err: Error): void {
  logger.info(text);
  logger.info('said %s and %j', text, { text, n: 1 });
  logger.info('meta', { text, nested: { prompt: text, bytes: Buffer.from('abc') } });
  logger.error(err);
  logger.error('failed', err);
  logger.child({ requestId: 'ord', query: text }).warn(`child ${text}`);
  logger.log({ level: 'debug', message: 'below the level' });
}

describe('records outside ZRM', () => {
  it('writes ordinary records byte for byte as the same formats without zrm, with and without a ZRM request in flight', async () => {
    const text = canary('ordinary');
    const err = Object.assign(new Error(`failed on ${text}`), { status: 500, detail: text });
    for (const inFlight of [false, true]) {
      const zrm = createScope({ zeroRetention: true, policy });
      if (inFlight) zrm.run(() => markSensitive(canary('zrm-elsewhere')));
      const logs = [true, false].map((withZrm) =>
        fileLogger(withZrm, { defaultMeta: { service: 'tts' } }, { format: formats() }),
      );
      for (const log of logs) {
        createScope({ zeroRetention: false, policy }).run(() =>
          ordinaryCalls(log.logger, text, err),
        );
        ordinaryCalls(log.logger, text, err);
      }
      const [withZrm, plain] = (await Promise.all(logs.map((log) => log.read(12)))) as [
        string,
        string,
      ];
      zrm.end();
      expect(plain).toContain(`"detail":"${text}"`);
      expect(plain.split(text).length - 1).toBeGreaterThanOrEqual(24);
      expect(withZrm).toBe(plain);
    }
  });

  it("scrubs an in-flight ZRM request's registered content from records of an ordinary scope and of no scope, counting each", async () => {
    const zrmText = canary('zrm');
    const ordinaryText = canary('ordinary');
    const zrm = createScope({ zeroRetention: true, requestId: 'zrm-1', policy });
    zrm.run(() => markSensitive(zrmText));
    const logs = [true, false].map((withZrm) => fileLogger(withZrm));
    events.length = 0;
    // outside any scope, catches are counted on the default policy
    setDefaultPolicy(policy);
    for (const log of logs) {
      const write = () => {
        log.logger.info(`provider said ${zrmText}`);
        log.logger.info('batch %s %s', ordinaryText, zrmText, { inputs: [ordinaryText, zrmText] });
        log.logger.child({ lastInput: zrmText }).info('flushed');
        log.logger.error(new Error(`upstream rejected ${zrmText}`));
      };
      createScope({ zeroRetention: false, requestId: 'ord-1', policy }).run(write);
      write();
    }
    setDefaultPolicy(definePolicy());
    const [withZrm, plain] = (await Promise.all(logs.map((log) => log.read(8)))) as [
      string,
      string,
    ];
    zrm.end();
    expect(plain).toContain(zrmText);
    expect(withZrm).not.toContain(zrmText);
    expect(withZrm.split(ordinaryText).length - 1).toBe(4);
    const lines = records(withZrm);
    expect(lines[0]?.message).toBe('provider said [REDACTED]');
    expect(lines[1]).toMatchObject({
      message: `batch ${ordinaryText} [REDACTED]`,
      inputs: [ordinaryText, '[REDACTED]'],
    });
    expect(lines[2]).toMatchObject({ lastInput: '[REDACTED]', message: 'flushed' });
    expect(lines.some((r) => 'zrm' in r)).toBe(false);
    const caught = events.filter((e) => e.kind === 'cross-context');
    expect(caught.map((e) => [e.sink, e.requestId])).toEqual([
      ...Array(4).fill(['winston', 'ord-1']),
      ...Array(4).fill(['winston', undefined]),
    ]);
  });
});

/** A log collector on loopback: the winston Http transport POSTs each record to it. */
let collector: Server;
let port = 0;
const bodies: string[] = [];
beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      res.end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  port = (collector.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => collector.close(resolve)));

async function received(count: number): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 1000 && bodies.length < count; i++)
    await new Promise((r) => setTimeout(r, 10));
  return bodies.splice(0).map((body) => JSON.parse(body) as Record<string, unknown>);
}

describe('backpressure: winston runs formats later, in whatever context drains its stream', () => {
  const BACKLOG = 60;

  /** An ordinary request fills the Http transport's buffer, then a ZRM request logs in the same tick; and the reverse. */
  function interleave(logger: winston.Logger, zrmText: string, ordinaryText: string): void {
    runWithScope({ zeroRetention: false, requestId: 'ord' }, () => {
      for (let i = 0; i < BACKLOG; i++)
        logger.info('ordinary %s', ordinaryText, { requestId: 'ord', text: ordinaryText });
    });
    runWithScope({ zeroRetention: true, requestId: 'zrm' }, () => {
      for (let i = 0; i < BACKLOG; i++)
        logger.info(`zrm ${zrmText}`, { requestId: 'zrm', text: zrmText });
    });
    runWithScope({ zeroRetention: false, requestId: 'ord' }, () => {
      for (let i = 0; i < 5; i++)
        logger.info('ordinary %s', ordinaryText, { requestId: 'ord', text: ordinaryText });
    });
  }

  it("positive control: plain winston formats some records in another request's async context", async () => {
    const seen: string[] = [];
    const probe = winston.format((info) => {
      if (currentScope()?.requestId !== info.requestId) seen.push(String(info.requestId));
      return info;
    });
    const logger = winston.createLogger({
      format: format.combine(probe(), format.json()),
      transports: [new winston.transports.Http({ host: '127.0.0.1', port })],
    });
    const zrmText = canary('zrm');
    interleave(logger, zrmText, canary('ordinary'));
    const got = await received(2 * BACKLOG + 5);
    expect(seen).toContain('zrm');
    expect(JSON.stringify(got)).toContain(zrmText);
  });

  it('keeps every deferred ZRM record content-free and every deferred ordinary record complete (Http transport bodies)', async () => {
    const logger = winston.createLogger({
      format: zeroRetentionFormat({ format: format.combine(format.splat(), format.json()) }),
      transports: [new winston.transports.Http({ host: '127.0.0.1', port })],
    });
    const zrmText = canary('zrm');
    const ordinaryText = canary('ordinary');
    interleave(logger, zrmText, ordinaryText);
    const got = await received(2 * BACKLOG + 5);
    expect(got).toHaveLength(2 * BACKLOG + 5);
    expect(JSON.stringify(got)).not.toContain(zrmText);
    const zrm = got.filter((r) => r.requestId === 'zrm');
    const ordinary = got.filter((r) => r.requestId === 'ord');
    expect(zrm).toHaveLength(BACKLOG);
    for (const r of zrm)
      expect(r).toEqual({
        level: 'info',
        message: '[REDACTED]',
        requestId: 'zrm',
        text: '[REDACTED]',
        zrm: true,
      });
    expect(ordinary).toHaveLength(BACKLOG + 5);
    for (const r of ordinary)
      expect(r).toEqual({
        level: 'info',
        message: `ordinary ${ordinaryText}`,
        requestId: 'ord',
        text: ordinaryText,
      });
  });
});
