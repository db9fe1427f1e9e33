import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import { isZeroRetention } from '@zrm/core';
import { zeroRetentionHandler } from '@zrm/http';
import { listen } from '../../../packages/express/test/helpers/server.js';
import { captureLogs, waitFor } from './log-capture.js';
import { postJson } from './http-request.js';
import type { Driver } from './types.js';

async function readJson(req: IncomingMessage): Promise<{ text?: string }> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text) as { text?: string };
}

/**
 * A plain `node:http` server as the `@zrm/http` README wires it: an outer
 * listener attaching a `close`-style request logger (refused requests reach
 * it too), then `zeroRetentionHandler(handler)`; the handler runs pino-http
 * (`req.log`), reads its own JSON body and logs the query and body text.
 * A plain handler reads its own body, so the decision reads the query only:
 * the rows with a stateful parameter in a parsed body do not apply.
 */
export const httpDriver: Driver = {
  name: 'node:http',
  transport: 'http',
  supports: new Set(['baggage', 'query-flag']),
  carries: { query: true, body: true },
  async start(policy) {
    const logs = captureLogs();
    const httpLogger = pinoHttp({
      logger: logs.logger,
      genReqId: (req) => String(req.headers['x-request-id']),
    });
    const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      httpLogger(req, res);
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const body = await readJson(req);
      req.log.info(`handled query=${query.get('text')} body=${body.text}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ zeroRetention: isZeroRetention() }));
    };
    const inner = policy === undefined ? handler : zeroRetentionHandler(handler, policy);
    const running = await listen((req, res) => {
      res.on('close', () =>
        logs.logger.info(
          { conformanceDone: req.headers['x-request-id'] },
          `finished ${req.method} ${req.url}`,
        ),
      );
      void inner(req, res);
    });
    return {
      async send(request) {
        const observed = await postJson(running.url, request);
        await waitFor(() => logs.text().includes(`"conformanceDone":"${request.id}"`));
        return observed;
      },
      logText: () => logs.text(),
      close: () => running.close(),
    };
  },
};
