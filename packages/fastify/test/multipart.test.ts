import multipart from '@fastify/multipart';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, createApp, send, settleLogs, type TestApp } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await createApp({}, async (app) => {
    await app.register(multipart);
    app.post('/upload', async (request) => {
      const data = await request.file();
      if (data === undefined) return { ok: false };
      const audio = await data.toBuffer();
      const description = (data.fields.description as { value?: string } | undefined)?.value;
      request.log.info(
        { note: description, bytes: audio.length },
        `upload of ${description ?? ''}`,
      );
      request.log.info(`audio head ${audio.toString('base64')}`);
      return { bytes: audio.length };
    });
    app.post('/parts', async (request) => {
      const values: string[] = [];
      for await (const part of request.parts()) {
        if (part.type === 'field') values.push(String(part.value));
        else values.push((await part.toBuffer()).toString('hex'));
      }
      request.log.info({ values: values.join('|') }, 'parts');
      return { parts: values.length };
    });
    app.post('/save', async (request) => {
      // @fastify/multipart 10 answers { files, values }; its types still say an array
      const saved: unknown = await request.saveRequestFiles();
      const files = (Array.isArray(saved) ? saved : (saved as { files: unknown[] }).files) as {
        filepath: string;
      }[];
      const file = files[0];
      if (file === undefined) return { saved: 0 };
      const audio = await readFile(file.filepath);
      request.log.info(`saved ${audio.toString('hex')}`);
      return { saved: files.length };
    });
  });
});
afterAll(() => t.app.close());

function form(description: string, audio: Buffer): FormData {
  const body = new FormData();
  body.append('description', description);
  body.append('audio', new Blob([audio], { type: 'audio/mpeg' }), 'speech.mp3');
  return body;
}

/** Files in the OS temp dir changed since `since` that hold `needle`. */
async function tempFilesWith(needle: Buffer, since: number): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(tmpdir())) {
    const path = join(tmpdir(), name);
    try {
      const info = await stat(path);
      if (!info.isFile() || info.mtimeMs < since || info.size > 10_000_000) continue;
      if ((await readFile(path)).includes(needle)) found.push(path);
    } catch {
      // a file another process removed meanwhile
    }
  }
  return found;
}

describe.each([
  ['ZRM', '?enable_logging=false', false],
  ['ordinary', '', true],
])('@fastify/multipart, %s request', (_mode, query, kept) => {
  const check = (secret: string) =>
    kept ? expect(t.logs.text()).toContain(secret) : expect(t.logs.text()).not.toContain(secret);

  it(`${kept ? 'keeps' : 'drops'} canaries of a text field and an audio file read with request.file()`, async () => {
    const description = canary();
    const audio = randomBytes(120); // no fixed label: see the attachFieldsToBody case
    const response = await send(`${t.url}/upload${query}`, {
      method: 'POST',
      body: form(description, audio),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ bytes: audio.length });
    await settleLogs();
    expect(t.logs.text()).toContain('audio head');
    check(description);
    check(audio.toString('base64'));
  });

  it(`${kept ? 'keeps' : 'drops'} canaries of parts read with request.parts()`, async () => {
    const description = canary();
    const audio = randomBytes(64);
    const response = await send(`${t.url}/parts${query}`, {
      method: 'POST',
      body: form(description, audio),
    });
    expect(response.status).toBe(200);
    await settleLogs();
    check(description);
    check(audio.toString('hex'));
  });
});

describe('@fastify/multipart disk storage', () => {
  it('refuses saveRequestFiles() in ZRM with zero_retention_storage_not_allowed and writes nothing to the temp dir', async () => {
    const since = Date.now() - 1_000;
    const audio = Buffer.concat([randomBytes(32), Buffer.from(canary('DISK'))]);
    const response = await send(`${t.url}/save?enable_logging=false`, {
      method: 'POST',
      body: form(canary(), audio),
    });
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'zero_retention_storage_not_allowed' });
    expect(await tempFilesWith(audio, since)).toEqual([]);
  });

  it('still saves uploads of ordinary requests to disk', async () => {
    const audio = Buffer.concat([randomBytes(32), Buffer.from(canary('DISK'))]);
    const response = await send(`${t.url}/save`, { method: 'POST', body: form(canary(), audio) });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ saved: 1 });
    await settleLogs();
    expect(t.logs.text()).toContain(`saved ${audio.toString('hex')}`);
  });
});

describe('@fastify/multipart with attachFieldsToBody', () => {
  let b: TestApp;
  beforeAll(async () => {
    b = await createApp({}, async (app) => {
      await app.register(multipart, { attachFieldsToBody: true });
      app.post('/upload', async (request) => {
        const body = request.body as Record<
          string,
          { value?: unknown; toBuffer?: () => Promise<Buffer> }
        >;
        const audio = (await body.audio?.toBuffer?.()) ?? Buffer.alloc(0);
        request.log.info(`note ${String(body.description?.value)} audio ${audio.toString('hex')}`);
        return { bytes: audio.length };
      });
    });
  });
  afterAll(() => b.app.close());

  it.each([
    ['drops', '?enable_logging=false', false],
    ['keeps', '', true],
  ])('%s canaries of fields and files buffered into the body', async (_verb, query, kept) => {
    const description = canary();
    // random bytes only: a fixed label in both modes' audio would share a 16-character hex run with
    // the other mode's, a fragment of in-flight ZRM content that is rightly scrubbed everywhere
    const audio = randomBytes(64);
    const response = await send(`${b.url}/upload${query}`, {
      method: 'POST',
      body: form(description, audio),
    });
    expect(response.status).toBe(200);
    await settleLogs();
    expect(b.logs.text()).toContain('note ');
    for (const secret of [description, audio.toString('hex')]) {
      if (kept) expect(b.logs.text()).toContain(secret);
      else expect(b.logs.text()).not.toContain(secret);
    }
  });
});
