import { randomBytes } from 'node:crypto';
import type Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention } from '@zrm/koa';
import { canary, captureLogs, serve, waitFor, type Running } from './helpers/app.js';
import { KOA_VERSIONS } from './helpers/koa-versions.js';
import { bodyParser, koaBody, pinoLogger } from './helpers/middleware.js';

/**
 * The app as the README wires it: koa-pino-logger mounted before the
 * middleware (its response line is written on `finish`, after the decision),
 * `zeroRetention()`, a logger middleware after it (its lines are written
 * before and after `await next()`), the body parsers, routes that log content
 * through `ctx.log`.
 */
function buildApp(Framework: typeof Koa, withAdapter: boolean, logs = captureLogs()) {
  const app = new Framework();
  app.silent = true;
  app.use(pinoLogger({ logger: logs.logger, genReqId: (req) => String(req.headers['x-tag']) }));
  if (withAdapter) app.use(zeroRetention());
  app.use(async (ctx, next) => {
    ctx.log.info(`incoming ${ctx.method} ${ctx.url}`);
    await next();
    ctx.log.info(`outgoing ${ctx.status} ${ctx.url}`);
  });
  app.use(async (ctx, next) => {
    const text = ctx.query.text;
    switch (ctx.path) {
      case '/query':
        ctx.log.info({ summary: `query asked ${String(text)}` }, `query text ${String(text)}`);
        ctx.body = { zeroRetention: isZeroRetention(), state: ctx.state.zeroRetention === true };
        return;
      case '/upload':
        await koaBody({ multipart: true })(ctx, () => {
          const fields = ctx.request.body as { text: string };
          ctx.log.info(
            { fields, files: Object.keys(ctx.request.files ?? {}) },
            `upload ${fields.text}`,
          );
          ctx.body = { fields: Object.keys(fields).length };
          return Promise.resolve();
        });
        return;
      default:
        await bodyParser({ enableTypes: ['json', 'text'] })(ctx, async () => {
          const body = ctx.request.body as { text?: string } | string;
          const value = typeof body === 'string' ? body : body.text;
          ctx.log.info({ request: body, summary: `asked for ${value}` }, `body ${value}`);
          ctx.log.info(`raw ${String(ctx.request.rawBody)}`);
          ctx.body = { zeroRetention: isZeroRetention() };
          await next();
        });
    }
  });
  return { app, logs };
}

async function send(
  running: Running,
  logs: { text(): string },
  tag: string,
  path: string,
  init: RequestInit = {},
) {
  const res = await fetch(`${running.url}${path}`, {
    ...init,
    headers: { 'x-tag': tag, ...(init.headers as Record<string, string> | undefined) },
  });
  const body = await res.text();
  // koa-pino-logger's response line is the request's last
  await waitFor(
    () =>
      logs.text().includes(`"id":"${tag}"`) &&
      logs.text().includes(`"responseTime"`) &&
      logs.text().split(tag).length > 2,
  );
  return { res, body };
}

/** ZRM and ordinary canaries share no 16-character run (zrm scrubs in-flight ZRM fragments everywhere). */
const zrmCanary = (label: string) =>
  `zrm_${label.replace(/ /g, '_')}_${randomBytes(12).toString('hex')}`;
const keptCanary = (label: string) =>
  `kept-${label.replace(/ /g, '-')}-${randomBytes(12).toString('base64url')}`;

const CASES = [
  ['query', (c: string) => ({ path: `/query?text=${c}` })],
  [
    'JSON body',
    (c: string) => ({
      path: '/json',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: c }),
      },
    }),
  ],
  [
    'text body',
    (c: string) => ({
      path: '/text',
      init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `please say ${c}` },
    }),
  ],
] as const;

describe.each(KOA_VERSIONS)('content of requests through %s', (_name, Framework) => {
  let zrm: Running;
  let bare: Running;
  const zrmApp = buildApp(Framework, true);
  const bareApp = buildApp(Framework, false);

  beforeAll(async () => {
    zrm = await serve(zrmApp.app);
    bare = await serve(bareApp.app);
  });
  afterAll(async () => {
    await zrm.close();
    await bare.close();
  });

  it.each(CASES)('keeps a ZRM canary in the %s out of every log line', async (kind, make) => {
    const secret = zrmCanary(kind);
    const tag = canary('tag-zrm').slice(0, 30);
    const { path, init } = { init: undefined, ...make(secret) };
    const zrmPath = path.includes('?')
      ? `${path}&enable_logging=false`
      : `${path}?enable_logging=false`;
    const { res, body } = await send(zrm, zrmApp.logs, tag, zrmPath, init);
    expect(res.status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ zeroRetention: true });
    expect(res.headers.get('zero-retention')).toBe('enforced');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const lines = zrmApp.logs.lines.filter((line) => line.includes(tag));
    expect(lines.length).toBeGreaterThanOrEqual(4); // incoming, handler, outgoing, response
    expect(zrmApp.logs.text()).not.toContain(secret);

    // positive control: the same request to the app without the adapter logs the canary
    const control = zrmCanary(`control ${kind}`);
    const made = { init: undefined, ...make(control) };
    const controlPath = made.path.includes('?')
      ? `${made.path}&enable_logging=false`
      : `${made.path}?enable_logging=false`;
    await send(bare, bareApp.logs, `${tag}-c`, controlPath, made.init);
    expect(bareApp.logs.text()).toContain(control);
  });

  it.each(CASES)('keeps an ordinary canary in the %s complete', async (kind, make) => {
    const text = keptCanary(kind);
    const tag = canary('tag-kept').slice(0, 30);
    const { path, init } = { init: undefined, ...make(text) };
    const { res, body } = await send(zrm, zrmApp.logs, tag, path, init);
    expect(res.status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ zeroRetention: false });
    expect(res.headers.get('zero-retention')).toBeNull();
    const lines = zrmApp.logs.lines.filter((line) => line.includes(tag) && line.includes(text));
    expect(lines.length).toBeGreaterThanOrEqual(1);
  });

  it('sets ctx.state.zeroRetention in ZRM only', async () => {
    const zrmAnswer = await send(
      zrm,
      zrmApp.logs,
      'state-zrm',
      '/query?enable_logging=false&text=a',
    );
    const ordinary = await send(zrm, zrmApp.logs, 'state-ord', '/query?text=b');
    expect(JSON.parse(zrmAnswer.body)).toMatchObject({ state: true });
    expect(JSON.parse(ordinary.body)).toMatchObject({ state: false });
  });

  it('keeps the fields of a koa-body multipart upload of a ZRM request out of the log', async () => {
    const upload = (text: string) => {
      const form = new FormData();
      form.append('text', text);
      form.append('audio', new Blob([Buffer.from('RIFF0000')], { type: 'audio/wav' }), 'clip.wav');
      return { method: 'POST', body: form };
    };
    const secret = zrmCanary('upload');
    const tag = canary('tag-up').slice(0, 30);
    const { res } = await send(
      zrm,
      zrmApp.logs,
      tag,
      '/upload?enable_logging=false',
      upload(secret),
    );
    expect(res.status).toBe(200);
    expect(zrmApp.logs.text()).not.toContain(secret);

    // positive control and kept claim
    const control = zrmCanary('control-upload');
    await send(bare, bareApp.logs, `${tag}-c`, '/upload?enable_logging=false', upload(control));
    expect(bareApp.logs.text()).toContain(control);
    const kept = keptCanary('upload');
    await send(zrm, zrmApp.logs, `${tag}-k`, '/upload', upload(kept));
    expect(zrmApp.logs.text()).toContain(kept);
  });
});
