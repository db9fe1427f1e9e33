import { EventEmitter } from 'node:events';
import { Readable, Transform, Writable, pipeline } from 'node:stream';
import multer from 'multer';
import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import { audioCanary, binaryForms, canary } from './helpers/canary.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { captureLogs } from './helpers/log-capture.js';
import { listen, waitFor, type Running } from './helpers/server.js';

const MODES = [
  ['ZRM', '?enable_logging=false', true],
  ['ordinary', '', false],
] as const;

describe.each(EXPRESS_VERSIONS)('content of requests through %s', (_name, express) => {
  let running: Running;
  const logs = captureLogs();
  const log = logs.logger;
  // a worker created at start-up: its callbacks run outside any request scope (lost context)
  const queue: Array<{ tag: string; text: string }> = [];
  const worker = setInterval(() => {
    for (const job of queue.splice(0)) {
      log.info(
        { tag: job.tag, step: 'worker', summary: `worker got ${job.text}` },
        `worker processed ${job.text}`,
      );
    }
  }, 5);

  beforeAll(async () => {
    const app = express();
    app.use(zeroRetention());
    app.use(pinoHttp({ logger: log, customProps: (req) => ({ tag: req.headers['x-tag'] }) }));
    app.post('/json', express.json(), (req, res) => {
      const text = req.body.text as string;
      req.log.info(
        { step: 'json', request: req.body, summary: `asked for ${text}` },
        `synthesizing ${text}`,
      );
      res.json({ characters: text.length });
    });
    app.post('/text', express.text(), (req, res) => {
      const text = req.body as string;
      req.log.info({ step: 'text', summary: `body was ${text}` }, `text body ${text}`);
      res.json({ characters: text.length });
    });
    app.post('/audio', express.raw({ type: 'audio/*' }), (req, res) => {
      const audio = req.body as Buffer;
      const dump = `${audio.toString('hex')} ${audio.toString('base64')}`;
      req.log.info({ step: 'audio', audio, summary: dump }, `audio ${dump}`);
      res.json({ bytes: audio.length });
    });
    app.get('/query', (req, res) => {
      const text = req.query.text as string;
      req.log.info({ step: 'query', summary: `query asked ${text}` }, `query text ${text}`);
      res.json({ ok: true });
    });
    const upload = multer({ storage: multer.memoryStorage() });
    app.post('/upload', upload.single('file'), (req, res) => {
      const file = req.file!;
      const dump = `${req.body.text} ${file.buffer.toString('base64')} ${file.buffer.toString('hex')}`;
      req.log.info(
        { step: 'upload', file, model: req.body.model_id, summary: dump },
        `upload ${dump}`,
      );
      res.json({ bytes: file.size });
    });
    app.post('/throw', express.json(), (req) => {
      throw new Error(`could not synthesize ${req.body.text}`);
    });
    app.post('/async', express.json(), (req, res) => {
      const tag = req.get('x-tag')!;
      const text = String(req.body.text);
      const line = (step: string, seen: string) =>
        log.info({ tag, step, summary: `${step} saw ${seen}` }, `${step} saw ${seen}`);
      res.json({ accepted: true });
      setTimeout(() => line('timer', text), 2);
      void Promise.resolve()
        .then(() => new Promise((r) => setImmediate(r)))
        .then(() => line('promise', text));
      pipeline(
        Readable.from([text]),
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            line('stream', chunk.toString());
            cb(null, chunk);
          },
        }),
        new Writable({ write: (_c, _e, cb) => cb() }),
        () => line('pipeline', text),
      );
      const emitter = new EventEmitter();
      emitter.on('done', (value: string) => line('emitter', value));
      setTimeout(() => emitter.emit('done', text), 3);
      queue.push({ tag, text });
    });
    app.use(zeroRetentionErrorHandler());
    running = await listen(app);
  });
  afterAll(async () => {
    clearInterval(worker);
    await running.close();
  });

  /** The parsed lines that carry `tag` (pino-http adds it to every `req.log` line). */
  const linesOf = (tag: string) =>
    logs.lines
      .filter((line) => line.includes(tag))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const stepsOf = (tag: string) => new Set(linesOf(tag).map((line) => line.step));
  /** pino-http's own line for the request: it has the response. */
  const hasResponseLine = (tag: string) => linesOf(tag).some((line) => line.res !== undefined);

  /** ZRM: none of the probes reach the sink; ordinary: all of them do. */
  function expectProbes(zrm: boolean, probes: string[]): void {
    const text = logs.text();
    for (const probe of probes) {
      if (zrm) expect(text).not.toContain(probe);
      else expect(text).toContain(probe);
    }
  }

  describe.each(MODES)('%s request', (mode, query, zrm) => {
    it(`${zrm ? 'drops' : 'keeps'} a canary of a JSON body ${zrm ? 'from' : 'in'} message strings, objects and pino-http lines`, async () => {
      const tag = canary(`tag-json-${mode}`).slice(7);
      const secret = canary('json');
      const res = await fetch(`${running.url}/json${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tag': tag },
        body: JSON.stringify({ text: secret, model_id: 'eleven_multilingual_v2' }),
      });
      expect(res.status).toBe(200);
      await waitFor(() => hasResponseLine(tag) && stepsOf(tag).has('json'));
      expectProbes(zrm, [secret]);
      // metadata stays readable in both modes
      expect(JSON.stringify(linesOf(tag))).toContain('eleven_multilingual_v2');
    });

    it(`${zrm ? 'drops' : 'keeps'} a canary from a text body`, async () => {
      const tag = canary(`tag-text-${mode}`).slice(7);
      const secret = canary('text');
      const res = await fetch(`${running.url}/text${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-tag': tag },
        // no run of 16 characters in common with the other mode's body: in-flight ZRM content is scrubbed everywhere
        body: `${secret} (${mode})`,
      });
      expect(res.status).toBe(200);
      await waitFor(() => hasResponseLine(tag) && stepsOf(tag).has('text'));
      expectProbes(zrm, [secret]);
    });

    it(`${zrm ? 'drops' : 'keeps'} audio bytes of a raw body in hex and base64`, async () => {
      const tag = canary(`tag-audio-${mode}`).slice(7);
      const audio = audioCanary();
      const res = await fetch(`${running.url}/audio${query}`, {
        method: 'POST',
        headers: { 'content-type': 'audio/wav', 'x-tag': tag },
        body: audio,
      });
      expect(res.status).toBe(200);
      await waitFor(() => hasResponseLine(tag) && stepsOf(tag).has('audio'));
      expectProbes(zrm, binaryForms(audio));
    });

    it(`${zrm ? 'drops' : 'keeps'} a canary in the query string`, async () => {
      const tag = canary(`tag-query-${mode}`).slice(7);
      const secret = canary('query');
      const res = await fetch(`${running.url}/query${query || '?'}&text=${secret}`, {
        headers: { 'x-tag': tag },
      });
      expect(res.status).toBe(200);
      await waitFor(() => hasResponseLine(tag) && stepsOf(tag).has('query'));
      expectProbes(zrm, [secret]);
    });

    it(`${zrm ? 'drops' : 'keeps'} a multipart text field and an uploaded audio file (multer memory storage)`, async () => {
      const tag = canary(`tag-upload-${mode}`).slice(7);
      const secret = canary('field');
      const audio = audioCanary(8192);
      const form = new FormData();
      form.append('text', secret);
      form.append('model_id', 'scribe_v1');
      form.append('file', new Blob([audio], { type: 'audio/wav' }), 'speech.wav');
      const res = await fetch(`${running.url}/upload${query}`, {
        method: 'POST',
        headers: { 'x-tag': tag },
        body: form,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ bytes: audio.length });
      await waitFor(() => hasResponseLine(tag) && stepsOf(tag).has('upload'));
      expectProbes(zrm, [secret, ...binaryForms(audio)]);
      expect(linesOf(tag).some((line) => line.model === 'scribe_v1')).toBe(true);
    });

    it(`${zrm ? 'drops' : 'keeps'} work started by the handler after the response: timers, promises, pipelines, emitters, a start-up worker`, async () => {
      const tag = canary(`tag-async-${mode}`).slice(7);
      const secret = canary('async');
      const res = await fetch(`${running.url}/async${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tag': tag },
        body: JSON.stringify({ text: secret }),
      });
      expect(res.status).toBe(200);
      const expected = ['timer', 'promise', 'stream', 'pipeline', 'emitter', 'worker'];
      await waitFor(() => expected.every((step) => stepsOf(tag).has(step)));
      expectProbes(zrm, [secret]);
    });
  });

  it('answers an invalid JSON body in ZRM with a content-free 400 and logs no byte of it', async () => {
    const tag = canary('tag-badjson').slice(7);
    const secret = canary('badjson');
    const res = await fetch(`${running.url}/json?enable_logging=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tag': tag },
      body: `{"text": "${secret}", oops`,
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({
      error: { code: 'invalid_request', message: 'Bad Request.' },
    });
    expect(res.headers.get('zero-retention')).toBe('enforced');
    await waitFor(() => linesOf(tag).some((line) => line.level === 50) && hasResponseLine(tag));
    expect(logs.text()).not.toContain(secret);
    expect(logs.text()).not.toContain(secret.slice(0, 20));
  });

  it('leaves an ordinary invalid JSON body to the app (default Express handling)', async () => {
    const res = await fetch(`${running.url}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text": oops',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('answers an error thrown in a ZRM handler with a content-free 500 and a redacted log line', async () => {
    const tag = canary('tag-throw').slice(7);
    const secret = canary('thrown');
    const res = await fetch(`${running.url}/throw?enable_logging=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tag': tag },
      body: JSON.stringify({ text: secret }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 'internal_error', message: 'Internal Server Error.' },
    });
    await waitFor(() => linesOf(tag).some((line) => line.level === 50) && hasResponseLine(tag));
    expect(logs.text()).not.toContain(secret);
  });
});
