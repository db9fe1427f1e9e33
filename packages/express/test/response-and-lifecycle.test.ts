import { request } from 'node:http';
import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentScope, isTainted, type ZrmScope } from '@zrm/core';
import { inFlightTaintCount } from '@zrm/core/adapter';
import { zeroRetention } from '@zrm/express';
import { canary } from './helpers/canary.js';
import { captureLogs } from './helpers/log-capture.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { listen, waitFor, type Running } from './helpers/server.js';

describe.each(EXPRESS_VERSIONS)(
  'ZRM response headers and scope lifetime (%s)',
  (_name, express) => {
    let running: Running;
    const scopes: ZrmScope[] = [];
    let release: (() => void) | undefined;

    beforeAll(async () => {
      const app = express();
      app.use(zeroRetention({ taint: { graceMs: 0 } }));
      app.use((_req, _res, next) => {
        scopes.push(currentScope()!);
        next();
      });
      app.get('/cached', (_req, res) => {
        res.set('Cache-Control', 'public, max-age=3600');
        res.json({ ok: true });
      });
      app.get('/head', (_req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
        res.end('ok');
      });
      app.post('/hold', express.text(), (_req, res) => {
        // answer only when the test says so (or never, if the client goes away)
        release = () => res.end('late');
      });
      running = await listen(app);
    });
    afterAll(() => running.close());

    it('keeps Cache-Control: no-store and Zero-Retention: enforced on a ZRM response whatever the handler sets', async () => {
      for (const path of ['/cached', '/head']) {
        const res = await fetch(`${running.url}${path}?enable_logging=false`);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('zero-retention')).toBe('enforced');
        await res.arrayBuffer();
      }
    });

    it('leaves the headers of an ordinary response as the handler set them', async () => {
      const res = await fetch(`${running.url}/cached`);
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(res.headers.get('zero-retention')).toBeNull();
    });

    it('ends the scope and releases its taint when the response finishes', async () => {
      const secret = canary('finish');
      const pending = fetch(`${running.url}/hold?enable_logging=false`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: secret,
      });
      await waitFor(() => release !== undefined);
      const scope = scopes.at(-1)!;
      expect(scope.zeroRetention).toBe(true);
      expect(isTainted(`log line with ${secret}`)).toBe(true);
      release!();
      release = undefined;
      expect(await (await pending).text()).toBe('late');
      await waitFor(() => scope.ended && !isTainted(secret));
      expect(inFlightTaintCount()).toBe(0);
    });

    it('keeps the scope and its taint until the response finish and close listeners ran (pino-http line, graceMs 0)', async () => {
      const logs = captureLogs();
      const app = express();
      app.use(zeroRetention({ taint: { graceMs: 0 } }));
      app.use(
        pinoHttp({
          logger: logs.logger,
          // evaluated when the response closes: only the request's taint can scrub the summary
          customSuccessObject: (req, _res, value: object) => ({
            ...value,
            summary: `finished ${String((req as { body?: unknown }).body)}`,
          }),
        }),
      );
      app.post('/echo', express.text(), (_req, res) => {
        res.send('ok');
      });
      const server = await listen(app);
      try {
        const secret = canary('late-line');
        const res = await fetch(`${server.url}/echo?enable_logging=false`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: `say ${secret}`,
        });
        expect(await res.text()).toBe('ok');
        await waitFor(() => logs.text().includes('"summary"'));
        expect(logs.text()).not.toContain(secret);
      } finally {
        await server.close();
      }
    });

    it('ends the scope and releases its taint when the client closes the connection first', async () => {
      const secret = canary('abort');
      const req = request(`${running.url}/hold?enable_logging=false`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
      });
      req.on('error', () => undefined);
      req.end(secret);
      await waitFor(() => release !== undefined);
      const scope = scopes.at(-1)!;
      expect(isTainted(secret)).toBe(true);
      req.destroy();
      await waitFor(() => scope.ended && !isTainted(secret));
      release = undefined;
    });
  },
);
