import { EventEmitter } from 'node:events';
import { definePolicy, markSensitive } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { pino as pinoLogger } from 'pino';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

describe.each(PINOS)('lost async context (%s)', (_name, pino) => {
  it('scrubs registered content of an in-flight ZRM request from a line written outside any scope', async () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    // created at start-up: its listener and its timer run outside any request scope
    const jobs = new EventEmitter();
    jobs.on('job', (text: string) => {
      log.child({ job: text }).info({ payload: { value: text } }, 'processing %s', text);
    });
    const queue: string[] = [];
    const pool = setInterval(() => {
      const next = queue.shift();
      if (next !== undefined) jobs.emit('job', next);
    }, 1);
    const secret = canary('lost');
    const other = canary('unregistered');
    const scope = createScope({ zeroRetention: true });
    scope.run(() => markSensitive(secret));
    queue.push(`user text: ${secret}`, other);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (queue.length === 0) {
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
    clearInterval(pool);
    scope.end();
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[REDACTED]');
    // content nobody registered is not touched outside ZRM
    expect(lines[1]).toContain(`processing ${other}`);
  });
});

describe('lost-context lines stay valid JSON', () => {
  it('scrubs a registered value that holds JSON syntax without breaking the line', () => {
    const lines: string[] = [];
    const log = pinoLogger(withZeroRetention(), { write: (line: string) => lines.push(line) });
    const secret = `{"text":"${canary('json-body')}"}`;
    const scope = createScope({
      zeroRetention: true,
      policy: definePolicy({ taint: { graceMs: 0 } }),
    });
    scope.run(() => markSensitive(secret));
    try {
      // outside any scope, as a pool created at start-up would log
      log.info({ body: secret, n: 1 }, 'raw body seen');
      log.info(`raw ${secret} and more`);
    } finally {
      scope.end();
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(secret.slice(2, 30));
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ body: '[REDACTED]', n: 1, msg: 'raw body seen' });
  });
});
