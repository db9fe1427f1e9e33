import { describe, expect, it } from 'vitest';
import { buildApp } from './helpers/app.js';
import {
  audioCanary,
  binaryForms,
  canary,
  captureLogs,
  serverPerTest,
  waitFor,
  type LogCapture,
} from './helpers/server.js';

const server = serverPerTest();

let n = 0;
async function start(adapter: boolean): Promise<{ logs: LogCapture; url: string }> {
  const logs = captureLogs();
  return { logs, url: await server.serve(buildApp(logs, { adapter })) };
}

/** Sends one request and waits for the before-mounted logger's last line of it. */
async function send(
  logs: LogCapture,
  url: string,
  path: string,
  init: { body: RequestInit['body']; type?: string },
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const id = `req-${++n}`;
  const headers: Record<string, string> = { 'x-request-id': id };
  if (init.type !== undefined) headers['content-type'] = init.type;
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: init.body });
  const json = (await res.json()) as Record<string, unknown>;
  await waitFor(() => logs.text().includes(`"done":"${id}"`));
  return { status: res.status, json, headers: res.headers };
}

const jsonBody = (text: string) => ({ body: JSON.stringify({ text }), type: 'application/json' });

describe('query, JSON and text bodies', () => {
  it('keeps ZRM canaries of the query and a JSON body out of every line (before and after the adapter), ZRM headers set', async () => {
    const { logs, url } = await start(true);
    const q = canary('zrm-query');
    const b = canary('zrm-json');
    const res = await send(logs, url, `/json?enable_logging=false&text=${q}`, jsonBody(b));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ zeroRetention: true, flag: true });
    expect(res.headers.get('zero-retention')).toBe('enforced');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = logs.text();
    expect(text).toContain('"msg":"json q=[REDACTED] text=[REDACTED]"');
    expect(text).toContain('Request completed'); // hono-pino's own line
    expect(text).toMatch(
      /"msg":"finished POST http:\/\/127\.0\.0\.1:\d+\/json\?enable_logging=false&text=\[REDACTED\] 200"/,
    );
    expect(text).not.toContain(q);
    expect(text).not.toContain(b);
  });

  it('positive control: the same app without the adapter logs both canaries', async () => {
    const { logs, url } = await start(false);
    const q = canary('control-query');
    const b = canary('control-json');
    const res = await send(logs, url, `/json?enable_logging=false&text=${q}`, jsonBody(b));
    expect(res.json).toEqual({ zeroRetention: false, flag: false });
    expect(res.headers.get('zero-retention')).toBeNull();
    expect(logs.text()).toContain(`json q=${q} text=${b}`);
    expect(logs.text()).toContain(`text=${q} 200`);
  });

  it('keeps ordinary content complete, no ZRM header', async () => {
    const { logs, url } = await start(true);
    const q = canary('ordinary-query');
    const b = canary('ordinary-json');
    const res = await send(logs, url, `/json?text=${q}`, jsonBody(b));
    expect(res.json).toEqual({ zeroRetention: false, flag: false });
    expect(res.headers.get('zero-retention')).toBeNull();
    expect(logs.text()).toContain(`json q=${q} text=${b}`);
    expect(logs.text()).toContain(`text=${q} 200`);
  });

  it('registers a text body whole (c.req.text()); control and ordinary keep it', async () => {
    const zrm = canary('zrm-text');
    const ordinary = canary('ordinary-text');
    const on = await start(true);
    await send(on.logs, on.url, '/text?enable_logging=false', {
      body: `say ${zrm}`,
      type: 'text/plain',
    });
    await send(on.logs, on.url, '/text', { body: `say ${ordinary}`, type: 'text/plain' });
    expect(on.logs.text()).not.toContain(zrm);
    expect(on.logs.text()).toContain(`"msg":"text say ${ordinary}"`);
    await server.close();
    const control = canary('control-text');
    const off = await start(false);
    await send(off.logs, off.url, '/text?enable_logging=false', {
      body: `say ${control}`,
      type: 'text/plain',
    });
    expect(off.logs.text()).toContain(`text say ${control}`);
  });

  it('refuses a stateful parameter in the parsed JSON body of a ZRM request: 400, content-free', async () => {
    const { logs, url } = await start(true);
    const b = canary('zrm-stateful');
    const res = await send(logs, url, '/json?enable_logging=false', {
      body: JSON.stringify({ text: b, previous_request_ids: ['abc'] }),
      type: 'application/json',
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: 'zero_retention_unavailable',
        message: expect.any(String),
        param: 'previous_request_ids',
      },
    });
    expect(JSON.stringify(res.json)).not.toContain(b);
    expect(logs.text()).not.toContain(b);
  });

  it('registers input that is not valid JSON (the SyntaxError quotes it): content-free 500, nothing logged', async () => {
    const { logs, url } = await start(true);
    const b = canary('zrm-badjson');
    const res = await send(logs, url, '/json?enable_logging=false', {
      body: `{"text": "${b}" oops`,
      type: 'application/json',
    });
    expect(res.status).toBe(500); // a SyntaxError is not a client error Hono knows of
    expect(res.json).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
    expect(logs.text()).toContain('request failed');
    expect(logs.text()).not.toContain(b);
  });
});

describe('forms and uploads', () => {
  function upload(note: string, bytes: Buffer, name: string): FormData {
    const form = new FormData();
    form.set('note', note);
    form.set('file', new File([bytes], name, { type: 'audio/wav' }));
    return form;
  }

  it('registers parseBody() fields, file names and file bytes of a ZRM upload; control shows them', async () => {
    const note = canary('zrm-note');
    const name = `${canary('zrm-file')}.wav`;
    const bytes = audioCanary();
    const on = await start(true);
    const res = await send(on.logs, on.url, '/upload?enable_logging=false', {
      body: upload(note, bytes, name),
    });
    expect(res.json).toEqual({ zeroRetention: true, flag: true });
    const text = on.logs.text();
    expect(text).toContain('"msg":"upload name=');
    for (const probe of [note, name, ...binaryForms(bytes)]) expect(text).not.toContain(probe);
    await server.close();

    // fresh canaries: the ZRM ones stay registered for the taint grace period
    const cNote = canary('control-note');
    const cName = `${canary('control-file')}.wav`;
    const cBytes = audioCanary();
    const off = await start(false);
    await send(off.logs, off.url, '/upload?enable_logging=false', {
      body: upload(cNote, cBytes, cName),
    });
    for (const probe of [cNote, cName, ...binaryForms(cBytes)])
      expect(off.logs.text()).toContain(probe);
  });

  it('registers the bytes of c.req.arrayBuffer() (hex, base64); ordinary bytes kept', async () => {
    const zrm = audioCanary();
    const ordinary = audioCanary();
    const { logs, url } = await start(true);
    await send(logs, url, '/bytes?enable_logging=false', {
      body: zrm,
      type: 'application/octet-stream',
    });
    await send(logs, url, '/bytes', { body: ordinary, type: 'application/octet-stream' });
    expect(logs.text()).toContain('"msg":"bytes hex=');
    for (const probe of binaryForms(zrm)) expect(logs.text()).not.toContain(probe);
    for (const probe of binaryForms(ordinary)) expect(logs.text()).toContain(probe);
  });

  it('keeps an ordinary upload complete', async () => {
    const note = canary('ordinary-note');
    const name = `${canary('ordinary-file')}.wav`;
    const bytes = audioCanary();
    const { logs, url } = await start(true);
    await send(logs, url, '/upload', { body: upload(note, bytes, name) });
    for (const probe of [note, name, ...binaryForms(bytes)]) expect(logs.text()).toContain(probe);
  });

  it('registers formData() fields and refuses a stateful field in a ZRM form', async () => {
    const note = canary('zrm-form');
    const { logs, url } = await start(true);
    const form = new URLSearchParams({ note });
    const ok = await send(logs, url, '/form?enable_logging=false', { body: form });
    expect(ok.json).toEqual({ zeroRetention: true, flag: true });
    expect(logs.text()).toContain('"msg":"form note=[REDACTED]"');
    const refused = await send(logs, url, '/form?enable_logging=false', {
      body: new URLSearchParams({ note, previous_request_ids: 'abc' }),
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      error: { code: 'zero_retention_unavailable', param: 'previous_request_ids' },
    });
    expect(logs.text()).not.toContain(note);
  });
});

describe('a thrown error in a ZRM request', () => {
  it('with zeroRetentionErrorHandler: content-free 500, reported redacted; control and ordinary show the message', async () => {
    const q = canary('zrm-throw-q');
    const b = canary('zrm-throw-b');
    const on = await start(true);
    const res = await send(on.logs, on.url, `/throw?enable_logging=false&text=${q}`, jsonBody(b));
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      error: { code: 'internal_error', message: 'Internal Server Error.' },
    });
    expect(res.headers.get('zero-retention')).toBe('enforced');
    const text = on.logs.text();
    expect(text).toContain('"msg":"request failed"');
    expect(text).not.toContain(q);
    expect(text).not.toContain(b);

    const oq = canary('ordinary-throw-q');
    const ob = canary('ordinary-throw-b');
    const ordinary = await fetch(`${on.url}/throw?text=${oq}`, { method: 'POST', ...init(ob) });
    expect(ordinary.status).toBe(500);
    expect(await ordinary.text()).toBe('Internal Server Error'); // Hono's default answer
  });
});

function init(text: string): RequestInit {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) };
}
