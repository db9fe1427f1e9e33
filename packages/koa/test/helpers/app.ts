import type { RequestListener } from 'node:http';
import type Koa from 'koa';
import { listen, type Running } from '../../../express/test/helpers/server.js';

export { canary } from '../../../express/test/helpers/canary.js';
export { captureLogs, type LogCapture } from '../../../express/test/helpers/log-capture.js';
export { waitFor, type Running } from '../../../express/test/helpers/server.js';

/** Serves a Koa app on a random loopback port (a real `node:http` server). */
export function serve(app: Koa): Promise<Running> {
  const handle = app.callback();
  const listener: RequestListener = (req, res) => void handle(req, res);
  return listen(listener);
}
