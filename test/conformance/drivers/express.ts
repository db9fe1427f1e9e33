import { pinoHttp } from 'pino-http';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import { EXPRESS_VERSIONS } from '../../../packages/express/test/helpers/express-versions.js';
import { listen } from '../../../packages/express/test/helpers/server.js';
import { captureLogs } from './log-capture.js';
import { loggedHttpApp } from './logged-http.js';
import type { Driver } from './types.js';

type Express = (typeof EXPRESS_VERSIONS)[number][1];

/**
 * An Express app as its README wires it: a `finish`-style request logger
 * mounted before the middleware (it logs the raw URL; refused requests reach
 * it too), `zeroRetention()`, pino-http, `express.json()`, a route whose
 * handler logs the query and body text, `zeroRetentionErrorHandler()`.
 */
function expressDriver(name: string, framework: Express): Driver {
  return {
    name,
    transport: 'http',
    supports: new Set(['json-body', 'baggage', 'query-flag']),
    carries: { query: true, body: true },
    async start(policy) {
      const logs = captureLogs();
      const app = framework();
      app.use((req, res, next) => {
        // on 'close', after pino-http's 'finish' line: the last line of the request
        res.on('close', () =>
          logs.logger.info(
            { conformanceDone: req.headers['x-request-id'] },
            `finished ${req.method} ${req.originalUrl}`,
          ),
        );
        next();
      });
      if (policy !== undefined) app.use(zeroRetention(policy));
      app.use(
        pinoHttp({ logger: logs.logger, genReqId: (req) => String(req.headers['x-request-id']) }),
      );
      app.use(framework.json());
      app.post('/conformance', (req, res) => {
        const query = req.query as { text?: string };
        const body = req.body as { text?: string };
        req.log.info(`handled query=${query.text} body=${body.text}`);
        res.json({ zeroRetention: isZeroRetention() });
      });
      if (policy !== undefined) app.use(zeroRetentionErrorHandler());
      const running = await listen(app);
      return loggedHttpApp(running.url, logs, () => running.close());
    },
  };
}

/** Express 5 (`express`) and Express 4 (`express4`), from the Express package's own tests. */
export const [express5Driver, express4Driver] = EXPRESS_VERSIONS.map(([name, framework]) =>
  expressDriver(name, framework),
) as [Driver, Driver];
