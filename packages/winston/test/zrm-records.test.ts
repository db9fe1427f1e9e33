import { markSensitive, runWithScope } from '@zrm/core';
import type winston from 'winston';
import { describe, expect, it } from 'vitest';
import { contentErrors } from '../../../test/support/errors.js';
import { canary, fileLogger, format, records } from './helpers.js';

/**
 * Guarantee 1 through winston: every record written in a ZRM scope reaches the
 * File transport's bytes content-free. Each case runs with the format and,
 * as the positive control, with the same formats without it.
 */
interface Canaries {
  message: string;
  arg: string;
  object: string;
  nested: string;
  json: string;
  meta: string;
  registered: string;
  binding: string;
  defaultMeta: string;
  buffer: Buffer;
}

function fresh(): Canaries {
  return {
    message: canary('message'),
    arg: canary('arg'),
    object: canary('object'),
    nested: canary('nested'),
    json: canary('json'),
    meta: canary('meta'),
    registered: canary('registered'),
    binding: canary('binding'),
    defaultMeta: canary('default-meta'),
    buffer: Buffer.from(canary('buffer')),
  };
}

const LINES = 9;

/** Errors whose content plain winston never writes: the hidden reasons of an AggregateError, the values of a SuppressedError. */
const HIDDEN_FROM_WINSTON = ['aggregate', 'aggregateOfErrors', 'suppressed'];

function logEverything(logger: winston.Logger, c: Canaries): void {
  logger.info(c.message);
  logger.info(`user said ${c.message}`);
  logger.info(
    'said %s, chars %d, object %o, json %j',
    c.arg,
    42,
    { text: c.object },
    { input: c.json },
  );
  logger.info('synthesized', { voice_id: 'voice-1', payload: { deep: { transcript: c.nested } } });
  logger.warn('upload', { audio: c.buffer, bytes: c.buffer.length, meta: { chunk: c.buffer } });
  logger.log({ level: 'info', message: 'provider answered', reply: `answer: ${c.registered}` });
  logger.child({ requestId: 'req-1', query: c.binding }).info('request completed');
  logger.info('with meta %s', c.arg, { prompt: c.meta, route: '/v1/tts' });
  logger.info({ message: 'literal', text: c.meta, seq: 3 });
}

function allStrings(c: Canaries): string[] {
  const { buffer, ...strings } = c;
  return [...Object.values(strings), buffer.toString(), buffer.toString('base64')];
}

describe('ZRM records through winston (File transport bytes)', () => {
  for (const withZrm of [true, false]) {
    it(`${withZrm ? 'drops' : 'positive control: plain winston writes'} canaries in messages, splat arguments, meta, nested objects, Buffers, child bindings and defaultMeta`, async () => {
      const c = fresh();
      const log = fileLogger(withZrm, {
        defaultMeta: { service: 'tts', lastQuery: c.defaultMeta },
      });
      runWithScope({ zeroRetention: true, requestId: 'req-1' }, () => {
        markSensitive(c.registered);
        logEverything(log.logger, c);
      });
      const text = await log.read(LINES);
      if (!withZrm) {
        for (const s of allStrings(c).slice(0, -2)) expect(text).toContain(s);
        return;
      }
      for (const s of allStrings(c)) expect(text).not.toContain(s);
      const lines = records(text);
      expect(lines).toHaveLength(LINES);
      expect(lines.every((r) => r.zrm === true && r.service === 'tts')).toBe(true);
      expect(lines.map((r) => r.message)).toEqual([
        '[REDACTED]',
        '[REDACTED]',
        'said [REDACTED], chars 42, object { text: \'[REDACTED]\' }, json {"input":"[REDACTED]"}',
        '[REDACTED]',
        '[REDACTED]',
        '[REDACTED]',
        'request completed',
        'with meta [REDACTED]',
        '[REDACTED]',
      ]);
      expect(lines[3]).toMatchObject({
        voice_id: 'voice-1',
        payload: { deep: { transcript: '[REDACTED]' } },
      });
      const bytes = c.buffer.length;
      expect(lines[4]).toMatchObject({
        audio: `[binary ${bytes} bytes]`,
        bytes,
        meta: { chunk: `[binary ${bytes} bytes]` },
      });
      expect(lines[5]).toMatchObject({ reply: 'answer: [REDACTED]' });
      expect(lines[6]).toMatchObject({ requestId: 'req-1', query: '[REDACTED]' });
      expect(lines[7]).toMatchObject({ prompt: '[REDACTED]', route: '/v1/tts' });
      expect(lines[8]).toMatchObject({ text: '[REDACTED]', seq: 3 });
    });
  }

  it('drops the content of errors and every cause from ZRM records, however the error is logged', async () => {
    const kinds = await contentErrors(canary);
    const withCauses = format.combine(
      format.errors({ stack: true, cause: true }),
      format.splat(),
      format.json(),
    );
    for (const withZrm of [false, true]) {
      const log = fileLogger(withZrm, {}, { format: withCauses });
      const child = log.logger.child({ requestId: 'req-2' });
      runWithScope({ zeroRetention: true, requestId: 'req-2' }, () => {
        for (const { err } of Object.values(kinds)) {
          log.logger.error(err);
          log.logger.error('provider failed', err);
          log.logger.log({ level: 'error', message: err as unknown as string });
          child.error(err);
          child.warn('retrying after %s', 'timeout', { err });
        }
      });
      const text = await log.read(Object.keys(kinds).length * 5);
      const every = Object.values(kinds).flatMap((k) => k.canaries);
      if (!withZrm) {
        // positive control: without zrm the same formats write the content of every kind of error
        const written = Object.entries(kinds).filter(([, k]) =>
          k.canaries.some((s) => text.includes(s)),
        );
        expect(written.map(([name]) => name)).toEqual(
          Object.keys(kinds).filter((name) => !HIDDEN_FROM_WINSTON.includes(name)),
        );
        continue;
      }
      for (const s of every) expect(text).not.toContain(s);
      const lines = records(text);
      expect(lines.every((r) => r.zrm === true && r.level !== undefined)).toBe(true);
      const chain = lines.filter(
        (r) => typeof r.stack === 'string' && r.stack.startsWith('ProviderError'),
      );
      expect(chain.length).toBeGreaterThan(0);
      for (const r of chain) {
        expect(r.stack).toMatch(/^ProviderError: \[REDACTED\]\n {4}at /);
        expect(r).toMatchObject({ status: 502, code: 'upstream_failed', detail: '[REDACTED]' });
      }
      expect(lines.filter((r) => r.requestId === 'req-2')).toHaveLength(
        Object.keys(kinds).length * 2,
      );
    }
  });

  it("keeps bare messages with messages: 'keep' (scrubbed of registered content), and custom safe messages", async () => {
    const secret = canary('template');
    const keep = fileLogger(true, {}, { messages: 'keep' });
    const safe = fileLogger(true, {}, { safeMessages: ['tts done'] });
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(secret);
      keep.logger.info(`synthesizing ${secret} now`);
      safe.logger.info('tts done');
      safe.logger.info('request completed');
    });
    expect(records(await keep.read(1)).map((r) => r.message)).toEqual([
      'synthesizing [REDACTED] now',
    ]);
    expect(records(await safe.read(2)).map((r) => r.message)).toEqual(['tts done', '[REDACTED]']);
  });
});
