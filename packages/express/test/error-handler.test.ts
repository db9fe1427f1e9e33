import type { ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZrmError } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler, type ErrorReport } from '@zrm/express';
import { canary } from './helpers/canary.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { listen, type Running } from './helpers/server.js';

describe.each(EXPRESS_VERSIONS)('zeroRetentionErrorHandler (%s)', (_name, express) => {
  let running: Running;
  const reports: ErrorReport[] = [];
  const passedOn: unknown[] = [];

  beforeAll(async () => {
    const app = express();
    app.use('/api', zeroRetention());
    app.post('/api/form', express.urlencoded({ extended: false }), (req) => {
      throw new Error(`bad form ${(req.body as { text: string }).text}`);
    });
    app.get('/api/refused', () => {
      throw new ZrmError(
        'zero_retention_provider_not_allowed',
        'This provider is not allowed in Zero Retention Mode.',
        {
          param: 'provider',
        },
      );
    });
    app.get('/api/stream', (_req, res, next) => {
      res.write('partial audio');
      next(new Error(`failed mid-stream ${canary('mid')}`));
    });
    app.use(zeroRetentionErrorHandler({ onError: (report) => reports.push(report) }));
    const appHandler: ErrorRequestHandler = (error, _req, res, _next) => {
      passedOn.push(error);
      res.status(500).json({ app: 'handler' });
    };
    app.use(appHandler);
    running = await listen(app);
  });
  afterAll(() => running.close());

  it('answers a ZRM error with a content-free body and reports it redacted (urlencoded body, mounted path)', async () => {
    reports.length = 0;
    const secret = canary('form');
    const res = await fetch(`${running.url}/api/form?enable_logging=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: secret, model_id: 'm1' }).toString(),
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('zero-retention')).toBe('enforced');
    expect(await res.json()).toEqual({
      error: { code: 'internal_error', message: 'Internal Server Error.' },
    });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.zeroRetention).toBe(true);
    expect(reports[0]!.status).toBe(500);
    expect(JSON.stringify(reports[0])).not.toContain(secret);
  });

  it('passes an ordinary request error on to the app untouched, content included', async () => {
    passedOn.length = 0;
    const secret = canary('ordinary-form');
    const res = await fetch(`${running.url}/api/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: secret }).toString(),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ app: 'handler' });
    expect((passedOn[0] as Error).message).toBe(`bad form ${secret}`);
  });

  it('answers a ZrmError with its status and JSON body in every mode', async () => {
    for (const query of ['', '?enable_logging=false']) {
      const res = await fetch(`${running.url}/api/refused${query}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: {
          code: 'zero_retention_provider_not_allowed',
          message: 'This provider is not allowed in Zero Retention Mode.',
          param: 'provider',
        },
      });
    }
  });

  it('cuts a ZRM response whose headers were already sent instead of passing the error on', async () => {
    passedOn.length = 0;
    const failed = await fetch(`${running.url}/api/stream?enable_logging=false`).then(
      (res) => res.text(),
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(Error);
    expect(passedOn).toEqual([]);
  });
});
