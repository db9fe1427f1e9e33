import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { captureLogs, listen, plainApp, readBody, waitFor, type Running } from './helpers/app.js';

describe('concurrency: ZRM and ordinary requests interleaved', () => {
  const logs = captureLogs();
  let running: Running;
  beforeAll(async () => {
    running = await listen(
      plainApp(logs.logger, {
        '/speech': async (req, res, url) => {
          const { text } = JSON.parse((await readBody(req)).toString('utf8')) as { text: string };
          await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('wait'))));
          req.log.info(
            { tag: req.headers['x-tag'] },
            `speech for ${text} and ${url.searchParams.get('q')}`,
          );
          res.end(String(isZeroRetention()));
        },
      }),
    );
  });
  afterAll(() => running.close());

  it('50 of each at once: no ZRM canary in any line, every ordinary canary complete', async () => {
    const one = async (i: number) => {
      const zrm = i % 2 === 0;
      const label = zrm ? 'Z' : 'O';
      const [q, text] = [0, 1].map(() => `${label}${randomBytes(12).toString('hex')}`) as [
        string,
        string,
      ];
      const flag = zrm ? 'enable_logging=false&' : '';
      const res = await fetch(`${running.url}/speech?${flag}q=${q}&wait=${i % 7}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tag': `t${i}` },
        body: JSON.stringify({ text }),
      });
      expect(await res.text()).toBe(String(zrm));
      return { zrm, canaries: [q, text], tag: `t${i}` };
    };
    const sent = await Promise.all(Array.from({ length: 100 }, (_, i) => one(i)));
    await waitFor(() => sent.every(({ tag }) => logs.text().split(`"tag":"${tag}"`).length > 3));
    const text = logs.text();
    for (const { zrm, canaries } of sent)
      for (const c of canaries) {
        if (zrm) expect(text).not.toContain(c);
        else expect(text).toContain(c);
      }
  });
});

describe('a ZRM JSON body: its values are registered, its raw text is not', () => {
  const logs = captureLogs();
  let running: Running;
  beforeAll(async () => {
    running = await listen(
      plainApp(logs.logger, {
        '/speech': async (req, res) => {
          const body = (await readBody(req)).toString('utf8');
          const { text } = JSON.parse(body) as { text: string };
          req.log.info(`speech for ${text}`);
          res.end(String(isZeroRetention()));
        },
        '/ordinary': (req, res) => {
          req.log.info(
            { instructions_for_the_voice_model: 'calm and slow', tag: 'ordinary' },
            'ordinary settings',
          );
          res.end('ok');
        },
      }),
    );
  });
  afterAll(() => running.close());

  /** A ZRM request with a JSON body of `type`, then an ordinary line sharing the body's JSON syntax. */
  async function ordinaryLineAfter(type: string) {
    const secret = `S${randomBytes(12).toString('hex')}`;
    const res = await fetch(`${running.url}/speech?enable_logging=false`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: `{"instructions_for_the_voice_model":"calm and slow","text":"${secret}"}`,
    });
    expect(await res.text()).toBe('true');
    const before = logs.lines.length;
    await (await fetch(`${running.url}/ordinary`)).text();
    await waitFor(() =>
      logs.lines.slice(before).some((line) => line.includes('ordinary settings')),
    );
    const line = logs.lines.slice(before).find((l) => l.includes('ordinary settings'))!;
    return { secret, line };
  }

  it('application/json: the ordinary line logged next keeps its structure and value', async () => {
    const { secret, line } = await ordinaryLineAfter('application/json');
    expect(JSON.parse(line)).toMatchObject({ instructions_for_the_voice_model: 'calm and slow' });
    expect(logs.text()).not.toContain(secret);
  });

  it('control: the same text sent as text/plain is registered whole, and scrubs the ordinary line', async () => {
    const { secret, line } = await ordinaryLineAfter('text/plain');
    expect(line).not.toContain('"instructions_for_the_voice_model":"calm and slow"');
    expect(logs.text()).not.toContain(secret);
  });
});
