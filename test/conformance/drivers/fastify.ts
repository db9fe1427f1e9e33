import Fastify from 'fastify';
import { isZeroRetention } from '@zrm/core';
import zeroRetention from '@zrm/fastify';
import { captureLogs, waitFor } from './log-capture.js';
import { postJson } from './http-request.js';
import type { Driver } from './types.js';

/**
 * A Fastify app as its README wires it: `@zrm/pino` as the app's logger, the
 * plugin registered first, a route whose handler logs the query and body text
 * through `request.log`. Fastify's own "incoming request" / "request completed"
 * lines are the adapter's request lines.
 */
export const fastifyDriver: Driver = {
  name: 'fastify',
  transport: 'http',
  supports: new Set(['json-body', 'baggage', 'query-flag']),
  carries: { query: true, body: true },
  async start(policy) {
    const logs = captureLogs();
    const app = Fastify({ loggerInstance: logs.logger, requestIdHeader: 'x-request-id' });
    if (policy !== undefined) await app.register(zeroRetention, policy);
    app.post('/conformance', (request, reply) => {
      const query = request.query as { text?: string };
      const body = request.body as { text?: string };
      request.log.info(`handled query=${query.text} body=${body.text}`);
      return reply.send({ zeroRetention: isZeroRetention() });
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      async send(request) {
        const observed = await postJson(base, request);
        await waitFor(() =>
          logs
            .text()
            .split('\n')
            .some(
              (line) =>
                line.includes(`"reqId":"${request.id}"`) && line.includes('request completed'),
            ),
        );
        return observed;
      },
      logText: () => logs.text(),
      close: () => app.close(),
    };
  },
};
