import { bodyOf, queryOf } from './http-request.js';
import { startWsApp } from './ws-app.js';
import { closedWith, connect, modeOf } from './ws-client.js';
import type { ConformanceRequest, Driver } from './types.js';

/** The row's flag as a message field: JSON `false`/`true` for those words, the percent-decoded text otherwise. */
function messageFlag(request: ConformanceRequest): Record<string, unknown> {
  const [value] = request.enableLogging;
  if (value === undefined) return {};
  const text = decodeURIComponent(value);
  return { enable_logging: text === 'false' ? false : text === 'true' ? true : text };
}

/**
 * A websocket that asks for ZRM mid-session: an ordinary connection is
 * opened (the row's other query pairs and headers on the upgrade), then one
 * message carries the body fields and the flag as the field `enable_logging`.
 * The outcome is the handler's mode for that message, or the connection
 * closed with 1008 and the code as reason (also right after the answer, which
 * a second message detects). The canary travels in that message only: the
 * upgrade URL belongs to the ordinary part of the connection.
 */
export const wsMessageDriver: Driver = {
  name: 'ws mid-session',
  transport: 'message',
  supports: new Set(['json-body']),
  carries: { query: false, body: true },
  async start(policy) {
    const app = await startWsApp(policy);
    return {
      async send(request) {
        const query = queryOf(request, { flag: false, canary: false });
        const opened = await connect(`${app.url}${query === '' ? '' : `?${query}`}`, {
          ...request.headers,
          'x-request-id': request.id,
        });
        if (!('ws' in opened)) return opened;
        try {
          const answer = await opened.request({ ...bodyOf(request), ...messageFlag(request) });
          if ('close' in answer) return closedWith(answer.close);
          const mode = modeOf(answer.message);
          const after = await opened.request({ probe: 'after' });
          if ('close' in after) return { ...closedWith(after.close), mode };
          if (modeOf(after.message) !== mode) throw new Error('the mode changed after the flag');
          return {
            status: undefined,
            mode,
            code: undefined,
            param: undefined,
            closeCode: undefined,
            errorText: undefined,
            zeroRetentionHeader: undefined,
            cacheControl: undefined,
          };
        } finally {
          await opened.close();
        }
      },
      logText: () => app.logs.text(),
      close: () => app.close(),
    };
  },
};
