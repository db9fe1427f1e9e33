import { EventEmitter } from 'node:events';
import { createScope, markSensitive } from '@zrm/core';
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
