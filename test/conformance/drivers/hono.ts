import { isZeroRetention } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/hono';
import {
  buildConformanceApp,
  serveApp,
} from '../../../packages/hono/test/helpers/conformance-app.js';
import { captureLogs } from './log-capture.js';
import { loggedHttpApp } from './logged-http.js';
import type { Driver } from './types.js';

/**
 * A Hono app on `@hono/node-server` as its README wires it: a request logger
 * mounted before the middleware (its line after `next()` holds the full URL;
 * refused requests reach it too), `zeroRetention()`, hono-pino, a route
 * reading `c.req.json()` and logging the query and body text, and
 * `app.onError(zeroRetentionErrorHandler())`.
 */
export const honoDriver: Driver = {
  name: 'hono',
  transport: 'http',
  supports: new Set(['json-body', 'baggage', 'query-flag']),
  carries: { query: true, body: true },
  async start(policy) {
    const logs = captureLogs();
    const app = buildConformanceApp(logs.logger, {
      adapter: policy === undefined ? undefined : zeroRetention(policy),
      onError: policy === undefined ? undefined : zeroRetentionErrorHandler(),
      mode: isZeroRetention,
    });
    const running = await serveApp(app);
    return loggedHttpApp(running.url, logs, () => running.close());
  },
};
