import { isZeroRetention } from '@zrm/core';
import { zeroRetention } from '@zrm/koa';
import { serve } from '../../../packages/koa/test/helpers/app.js';
import { KOA_VERSIONS } from '../../../packages/koa/test/helpers/koa-versions.js';
import { bodyParser, pinoLogger } from '../../../packages/koa/test/helpers/middleware.js';
import { captureLogs, waitFor } from './log-capture.js';
import { postJson } from './http-request.js';
import type { Driver } from './types.js';

type Koa = (typeof KOA_VERSIONS)[number][1];

/**
 * A Koa app as its README wires it: koa-pino-logger mounted before the
 * middleware (its response line is written on `finish`; refused requests
 * reach it too), `zeroRetention()`, `@koa/bodyparser`, a handler logging the
 * query and body text through `ctx.log`.
 */
function koaDriver(name: string, Framework: Koa): Driver {
  return {
    name,
    transport: 'http',
    supports: new Set(['json-body', 'baggage', 'query-flag']),
    carries: { query: true, body: true },
    async start(policy) {
      const logs = captureLogs();
      const app = new Framework();
      app.silent = true;
      app.use(
        pinoLogger({ logger: logs.logger, genReqId: (req) => String(req.headers['x-request-id']) }),
      );
      app.use(async (ctx, next) => {
        // on 'close', after koa-pino-logger's 'finish' line: the last line of the request
        ctx.res.on('close', () =>
          logs.logger.info(
            { conformanceDone: ctx.get('x-request-id') },
            `finished ${ctx.method} ${ctx.originalUrl}`,
          ),
        );
        await next();
      });
      if (policy !== undefined) app.use(zeroRetention(policy));
      app.use(bodyParser());
      app.use((ctx) => {
        const query = ctx.query as { text?: string };
        const body = ctx.request.body as { text?: string };
        ctx.log.info(`handled query=${query.text} body=${body.text}`);
        ctx.body = { zeroRetention: isZeroRetention() };
      });
      const running = await serve(app);
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
}

/** Koa 3 (`koa`) and Koa 2 (`koa2`), from the Koa package's own tests. */
export const [koa3Driver, koa2Driver] = KOA_VERSIONS.map(([name, framework]) =>
  koaDriver(name, framework),
) as [Driver, Driver];
