import { currentScope, isTainted } from '@zrm/core';
import { inFlightTaintCount } from '@zrm/core/adapter';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, createApp, send, settleLogs, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

/** Sends a JSON body in two chunks, the second one later, so the body phase spans several turns. */
function slowPost(url: string, first: string, second: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.write(first);
    setTimeout(() => req.end(second), 30);
  });
}

describe('scope of a Fastify request', () => {
  it('survives a body that arrives in several chunks, through every hook to the handler', async () => {
    const seen: Record<string, unknown>[] = [];
    t = await createApp({}, (app) => {
      app.addHook('preParsing', (request, _reply, payload, done) => {
        seen.push({ hook: 'preParsing', id: request.id, zrm: currentScope()?.zeroRetention });
        done(null, payload);
      });
      app.addHook('preValidation', (request, _reply, done) => {
        seen.push({ hook: 'preValidation', id: request.id, zrm: currentScope()?.zeroRetention });
        done();
      });
      app.post('/tts', async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push({
          hook: 'handler',
          id: request.id,
          zrm: currentScope()?.zeroRetention,
          own: currentScope()?.requestId,
        });
        return { ok: true };
      });
    });
    await Promise.all([
      slowPost(`${t.url}/tts?enable_logging=false`, '{"text":', '"hello there"}'),
      slowPost(`${t.url}/tts`, '{"text":', '"general kenobi"}'),
    ]);
    const zrm = seen.filter((s) => s.zrm === true);
    const ordinary = seen.filter((s) => s.zrm === false);
    expect(zrm.map((s) => s.hook).sort()).toEqual(['handler', 'preParsing', 'preValidation']);
    expect(ordinary.map((s) => s.hook).sort()).toEqual(['handler', 'preParsing', 'preValidation']);
    // each request sees its own scope, never the other one's
    for (const s of seen.filter((x) => x.hook === 'handler')) expect(s.own).toBe(s.id);
    expect(new Set(zrm.map((s) => s.id)).size).toBe(1);
    expect(zrm[0]?.id).not.toBe(ordinary[0]?.id);
  });

  it('releases the content of a ZRM request once its response is done (grace 0)', async () => {
    const secret = canary();
    let taintedDuringRequest = false;
    t = await createApp({ taint: { graceMs: 0 } }, (app) => {
      app.post('/tts', (_request, reply) => {
        taintedDuringRequest = isTainted(`prefix ${secret} suffix`);
        return reply.send({ ok: true });
      });
    });
    const before = inFlightTaintCount();
    const response = await send(`${t.url}/tts?enable_logging=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: secret }),
    });
    expect(response.status).toBe(200);
    expect(taintedDuringRequest).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isTainted(secret)).toBe(false);
    expect(inFlightTaintCount()).toBe(before);
  });

  it('sets Cache-Control: no-store on a ZRM response even when the handler sets its own caching', async () => {
    t = await createApp({}, (app) => {
      app.get('/tts', async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=3600').send('audio'),
      );
    });
    const zrm = await send(`${t.url}/tts?enable_logging=false`);
    expect(zrm.headers.get('cache-control')).toBe('no-store');
    expect(zrm.headers.get('zero-retention')).toBe('enforced');
    const ordinary = await send(`${t.url}/tts`);
    expect(ordinary.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('drops a canary in the URL of a ZRM request to an unknown route (404), and keeps an ordinary one', async () => {
    t = await createApp();
    const secret = canary();
    const kept = canary();
    expect((await send(`${t.url}/nowhere?enable_logging=false&text=${secret}`)).status).toBe(404);
    expect((await send(`${t.url}/nowhere?text=${kept}`)).status).toBe(404);
    await settleLogs();
    expect(t.logs.text()).toContain('not found');
    expect(t.logs.text()).not.toContain(secret);
    expect(t.logs.text()).toContain(`Route GET:/nowhere?text=${kept} not found`);
  });
});
