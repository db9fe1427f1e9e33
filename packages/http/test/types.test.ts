import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { definePolicy } from '@zrm/core';
import {
  zeroRetentionHandler,
  type ErrorReport,
  type ZeroRetentionHttpOptions,
  type ZeroRetentionListener,
} from '@zrm/http';

// compiled by `pnpm run typecheck`: the policy callbacks get Node's IncomingMessage, no casts
const options: ZeroRetentionHttpOptions = {
  entitled: (req) => req.headers['x-plan'] === 'enterprise',
  force: (req) => Promise.resolve(req.url?.startsWith('/v1/private') === true),
  principal: (req) => req.socket.remoteAddress,
  requestId: (req) => req.headers['x-trace-id']?.toString(),
  onError: (report: ErrorReport, req) => void [report.status, req.method],
};

const wrong: ZeroRetentionHttpOptions = {
  // @ts-expect-error -- an IncomingMessage has no `plan`
  entitled: (req) => req.plan === 'enterprise',
};

describe('types', () => {
  it('a policy or its options; the listener fits http and https servers', () => {
    const listener = zeroRetentionHandler((_req, res) => res.end(), options);
    const fromPolicy = zeroRetentionHandler(
      (_req, res) => Promise.resolve(res.end()),
      definePolicy<IncomingMessage>({ entitled: (req) => req.headers['x-plan'] === 'enterprise' }),
    );
    expectTypeOf(listener).toEqualTypeOf<ZeroRetentionListener>();
    const servers = [createServer(listener), createHttpsServer(fromPolicy)];
    expect(servers.map((server) => server.listening)).toEqual([false, false]);
    expect(typeof wrong.entitled).toBe('function');
  });
});
