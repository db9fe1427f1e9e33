import { randomUUID } from 'node:crypto';
import { pinoHttp, type Options } from 'pino-http';
import { afterEach, describe, expect, it } from 'vitest';
import { currentScope } from '@zrm/core';
import { scopeOfRequest, zeroRetention } from '@zrm/express';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { captureLogs } from './helpers/log-capture.js';
import { listen, waitFor, type Running } from './helpers/server.js';

/**
 * pino-http numbers requests itself (`req.id` 1, 2, …) unless told otherwise;
 * zrm's request id (the scope's) is another. The README's `genReqId` makes
 * them one: real Express, real pino-http, the ids read back from the log lines.
 */
const documented: Options['genReqId'] = (req) => scopeOfRequest(req)?.requestId ?? randomUUID();

describe.each(EXPRESS_VERSIONS)('request ids through %s and pino-http', (_name, express) => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function serve(genReqId: Options['genReqId'] | undefined) {
    const logs = captureLogs();
    const app = express();
    app.use(zeroRetention());
    app.use(pinoHttp({ logger: logs.logger, ...(genReqId ? { genReqId } : {}) }));
    app.get('/id', (req, res) => {
      req.log.info('handler line');
      res.json({ scopeId: currentScope()?.requestId });
    });
    running = await listen(app);
    const url = running.url;
    return {
      logs,
      async ids(query: string, headers: Record<string, string> = {}) {
        const res = await fetch(`${url}/id${query}`, { headers });
        const { scopeId } = (await res.json()) as { scopeId: string };
        await waitFor(() => logs.lines.some((l) => l.includes('"request completed"')));
        const lines = logs.lines.splice(0).map((l) => JSON.parse(l) as { req?: { id?: unknown } });
        return { scopeId, logged: lines.map((line) => line.req?.id) };
      },
    };
  }

  it('without genReqId the log lines carry pino-http’s own counter, not the scope’s id', async () => {
    const service = await serve(undefined);
    const { scopeId, logged } = await service.ids('');
    expect(scopeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logged).toHaveLength(2);
    expect(logged).not.toContain(scopeId);
  });

  it.each([
    ['an ordinary request', ''],
    ['a ZRM request', '?enable_logging=false'],
  ])('with the documented genReqId every line of %s carries the scope’s id', async (_m, query) => {
    const service = await serve(documented);
    const generated = await service.ids(query);
    expect(generated.scopeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.logged).toEqual([generated.scopeId, generated.scopeId]);
    // an incoming x-request-id (a short token) becomes the one id of scope and log
    const given = await service.ids(query, { 'x-request-id': 'req-7f3a' });
    expect(given).toEqual({ scopeId: 'req-7f3a', logged: ['req-7f3a', 'req-7f3a'] });
  });
});
