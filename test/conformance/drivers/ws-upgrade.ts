import { bodyOf, queryOf } from './http-request.js';
import { startWsApp } from './ws-app.js';
import { connect, modeOf } from './ws-client.js';
import type { Driver } from './types.js';

/**
 * A websocket whose mode is decided at the upgrade: the flag in the upgrade
 * URL, a refused upgrade answered with an HTTP status. The decision is made
 * before any message, so rows with a body-level parameter do not apply.
 * The body canary travels in the first message.
 */
export const wsUpgradeDriver: Driver = {
  name: 'ws at upgrade',
  transport: 'upgrade',
  supports: new Set(['baggage', 'query-flag']),
  carries: { query: true, body: true },
  async start(policy) {
    const app = await startWsApp(policy);
    return {
      async send(request) {
        const query = queryOf(request);
        const opened = await connect(`${app.url}${query === '' ? '' : `?${query}`}`, {
          ...request.headers,
          'x-request-id': request.id,
        });
        if (!('ws' in opened)) return opened;
        const answer = await opened.request(bodyOf(request));
        await opened.close();
        if (!('message' in answer)) throw new Error(`closed ${answer.close.code} before answering`);
        const header = opened.headers['zero-retention'];
        return {
          status: 101,
          mode: modeOf(answer.message),
          code: undefined,
          param: undefined,
          closeCode: undefined,
          errorText: undefined,
          zeroRetentionHeader: typeof header === 'string' ? header : null,
          cacheControl: undefined,
        };
      },
      logText: () => app.logs.text(),
      close: () => app.close(),
    };
  },
};
