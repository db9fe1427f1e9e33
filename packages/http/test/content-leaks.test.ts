import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import {
  audioCanary,
  binaryForms,
  canary,
  captureLogs,
  listen,
  multipartParts,
  plainApp,
  readBody,
  waitFor,
  type Running,
} from './helpers/app.js';

type Logs = ReturnType<typeof captureLogs>;

/** The routes of the app: each reads its own body and logs what it got, in messages and objects. */
function routes(logs: Logs) {
  const log = logs.logger;
  const done = (res: ServerResponse, body: object) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ...body, zeroRetention: isZeroRetention() }));
  };
  return {
    '/query': (req, res, url) => {
      const text = url.searchParams.get('text');
      req.log.info({ summary: `query asked ${text}` }, `query text ${text}`);
      done(res, {});
    },
    '/json': async (req, res) => {
      req.log.info('before the body'); // after the decision, before the body is read
      const body = JSON.parse((await readBody(req)).toString('utf8')) as { text: string };
      req.log.info(
        { request: body, summary: `asked for ${body.text}` },
        `synthesizing ${body.text}`,
      );
      setTimeout(() => log.info({ tag: req.headers['x-tag'] }, `timer saw ${body.text}`), 2);
      done(res, { characters: body.text.length });
    },
    '/text': async (req, res) => {
      const text = (await readBody(req)).toString('utf8');
      // the canary alone: the filler around it is the same in every mode, and a run of it in an ordinary
      // line would rightly be scrubbed while a ZRM request's body is still registered
      const found = /CANARY-[a-z]+-[0-9a-f]+/.exec(text)?.[0] ?? 'no canary';
      req.log.info(`text body ${found}`);
      done(res, { characters: text.length });
    },
    '/audio': async (req, res) => {
      const audio = await readBody(req);
      const dump = `${audio.toString('hex')} ${audio.toString('base64')}`;
      req.log.info({ summary: dump }, `audio ${dump}`);
      done(res, { bytes: audio.length });
    },
    '/upload': async (req, res) => {
      const parts = multipartParts(req, await readBody(req));
      const file = parts.get('file') ?? Buffer.alloc(0);
      const dump = `${parts.get('text')?.toString('utf8')} ${file.toString('base64')} ${file.toString('hex')}`;
      req.log.info({ summary: dump }, `upload ${dump}`);
      done(res, { bytes: file.length });
    },
  } satisfies Parameters<typeof plainApp>[1];
}

interface Sent {
  tag: string;
  canaries: string[];
}

/** The requests of one mode: a canary in the query, a JSON, an untyped JSON, a long text body, audio bytes, an upload. */
async function sendAll(
  base: string,
  query: string,
  label: string,
  zrm = query !== '',
): Promise<Sent[]> {
  const sent: Sent[] = [];
  const post = async (
    path: string,
    canaries: string[],
    init: RequestInit & { q?: string } = {},
  ) => {
    const tag = canary(`${label}tag`);
    const sep = query === '' ? '?' : '&';
    const url = `${base}${path}${query}${init.q === undefined ? '' : `${query === '' ? '?' : sep}${init.q}`}`;
    const res = await fetch(url, { ...init, headers: { ...init.headers, 'x-tag': tag } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { zeroRetention: boolean };
    expect(body.zeroRetention).toBe(zrm);
    sent.push({ tag, canaries });
  };
  const q = canary(`${label}q`);
  await post('/query', [q], { q: `text=${q}` });
  const json = canary(`${label}json`);
  await post('/json', [json], {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: json, voice_id: 'v1' }),
  });
  const untyped = canary(`${label}untyped`);
  await post('/json', [untyped], {
    method: 'POST',
    body: new TextEncoder().encode(JSON.stringify({ text: untyped })),
  });
  const text = canary(`${label}text`);
  // the canary straddles the first 64 KiB: the body arrives in several chunks
  const long = `${'a'.repeat(65_500)}${text}${'b'.repeat(200_000)}`;
  await post('/text', [text], {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: long,
  });
  const audio = audioCanary();
  await post('/audio', binaryForms(audio), {
    method: 'POST',
    headers: { 'content-type': 'audio/wav' },
    body: audio,
  });
  const field = canary(`${label}field`);
  const file = audioCanary(3000);
  const form = new FormData();
  form.append('text', field);
  form.append('file', new Blob([file]), 'speech.wav');
  await post('/upload', [field, ...binaryForms(file)], { method: 'POST', body: form });
  return sent;
}

async function settled(logs: Logs, sent: Sent[]): Promise<void> {
  // the outer pino-http line is the last of each request; the JSON route's timer line follows it
  await waitFor(() => sent.every(({ tag }) => logs.text().split(tag).length > 2));
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('content of requests through zeroRetentionHandler, pino and pino-http', () => {
  const logs = captureLogs();
  let running: Running;
  beforeAll(async () => {
    running = await listen(plainApp(logs.logger, routes(logs)));
  });
  afterAll(() => running.close());

  it('keeps every ZRM canary (query, JSON, untyped JSON, text, audio, upload) out of every line', async () => {
    const sent = await sendAll(running.url, '?enable_logging=false', 'zrm');
    await settled(logs, sent);
    const text = logs.text();
    for (const { canaries } of sent) for (const c of canaries) expect(text).not.toContain(c);
    // the lines were written: the outer and inner request lines, the handler's lines
    for (const { tag } of sent) expect(text.split(tag).length).toBeGreaterThan(3);
    expect(text).toContain('before the body');
    expect(text).toContain('timer saw');
  });

  it('keeps every ordinary canary complete', async () => {
    const sent = await sendAll(running.url, '', 'ord');
    await settled(logs, sent);
    const text = logs.text();
    for (const { canaries } of sent) for (const c of canaries) expect(text).toContain(c);
  });
});

describe('positive control: the same app without zeroRetentionHandler', () => {
  const logs = captureLogs();
  let running: Running;
  beforeAll(async () => {
    running = await listen(plainApp(logs.logger, routes(logs), false));
  });
  afterAll(() => running.close());

  it('logs every canary of an enable_logging=false request (query, JSON, untyped JSON, text, audio, upload)', async () => {
    const sent = await sendAll(running.url, '?enable_logging=false', 'ctl', false);
    await settled(logs, sent);
    const text = logs.text();
    for (const { canaries } of sent) for (const c of canaries) expect(text).toContain(c);
  });
});
