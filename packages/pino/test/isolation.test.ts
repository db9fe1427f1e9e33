import { setTimeout as sleep } from 'node:timers/promises';
import { markSensitive, runWithScope } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

describe.each(PINOS)('concurrent requests on one logger (%s)', (_name, pino) => {
  it('keeps every ZRM canary out and every ordinary canary in when requests interleave', async () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const zrm: string[] = [];
    const ordinary: string[] = [];
    const request = (i: number): Promise<void> => {
      const zeroRetention = i % 2 === 0;
      const text = canary(zeroRetention ? 'zrm' : 'ordinary');
      (zeroRetention ? zrm : ordinary).push(text);
      return runWithScope({ zeroRetention, requestId: `r${i}` }, async () => {
        markSensitive(text);
        const child = log.child({ requestId: `r${i}`, transcript: text });
        child.info({ text }, 'received %s', text);
        await sleep(i % 3);
        child.info({ chars: text.length }, 'synthesized %s', text);
        await Promise.resolve();
        child.error(new Error(`failed on ${text}`));
      });
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => request(i)));
    const records = out.records();
    expect(records).toHaveLength(120);
    const written = out.text();
    for (const c of zrm) expect(written).not.toContain(c);
    for (const c of ordinary) {
      const lines = out.chunks.filter((line) => line.includes(c));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toContain(`received ${c}`);
    }
    const byRequest = new Map<string, boolean[]>();
    for (const r of records)
      byRequest.set(String(r.requestId), [
        ...(byRequest.get(String(r.requestId)) ?? []),
        r.zrm === true,
      ]);
    expect(byRequest.size).toBe(40);
    for (const [id, marks] of byRequest) {
      const expected = Number(id.slice(1)) % 2 === 0;
      expect(marks).toEqual([expected, expected, expected]);
    }
  });
});
