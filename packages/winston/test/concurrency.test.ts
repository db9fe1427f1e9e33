import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { zeroRetention } from '@zrm/express';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { canary, fileLogger, records } from './helpers.js';

/**
 * ZRM and ordinary requests interleaved on one real Express server with
 * @zrm/express, every route logging through one winston logger to a real
 * file: no ZRM canary reaches the file, every ordinary one does, complete.
 */
const REQUESTS = 200;
const IN_FLIGHT = 25;

describe('concurrent ZRM and ordinary requests on one logger', () => {
  for (const withZrm of [true, false]) {
    it(`${withZrm ? 'keeps every ZRM canary out and every ordinary one in' : 'positive control: plain winston writes the ZRM canaries'} (${REQUESTS} requests, ${IN_FLIGHT} in flight)`, async () => {
      const log = fileLogger(withZrm, { defaultMeta: { service: 'tts' } });
      const app = express();
      app.use(zeroRetention());
      app.use(express.json());
      app.post('/v1/text-to-speech', async (req, res) => {
        const body = req.body as { text: string; id: number };
        const reqLog = log.logger.child({ requestId: body.id, route: '/v1/text-to-speech' });
        reqLog.info('synthesizing', { text: body.text });
        await sleep(Math.floor(Math.random() * 4));
        reqLog.info('said %s', body.text, { chars: body.text.length });
        await sleep(Math.floor(Math.random() * 4));
        reqLog.error(new Error(`voice failed for ${body.text}`));
        res.json({ ok: true });
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/text-to-speech`;
      const jobs = Array.from({ length: REQUESTS }, (_, id) => ({
        id,
        zrm: id % 2 === 0,
        text: canary(id % 2 === 0 ? 'zrm' : 'ordinary'),
      }));
      let next = 0;
      const worker = async () => {
        for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
          const res = await fetch(`${url}${job.zrm ? '?enable_logging=false' : ''}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: job.text, id: job.id }),
          });
          expect(res.status).toBe(200);
          await res.text();
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      await new Promise((resolve) => server.close(resolve));
      const text = await log.read(REQUESTS * 3);
      const lines = records(text);
      if (!withZrm) {
        for (const job of jobs) expect(text).toContain(job.text);
        return;
      }
      for (const job of jobs) {
        const mine = lines.filter((r) => r.requestId === job.id);
        expect(mine).toHaveLength(3);
        if (job.zrm) {
          expect(text).not.toContain(job.text);
          expect(mine.every((r) => r.zrm === true)).toBe(true);
        } else {
          expect(mine.map((r) => [r.message, r.text ?? r.chars])).toEqual([
            ['synthesizing', job.text],
            [`said ${job.text}`, job.text.length],
            [`voice failed for ${job.text}`, undefined],
          ]);
          expect(mine.some((r) => 'zrm' in r)).toBe(false);
        }
      }
    });
  }
});
