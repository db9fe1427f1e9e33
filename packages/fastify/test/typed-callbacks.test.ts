// The policy callbacks receive the framework's own request type: this file must compile
// (`pnpm run typecheck` runs in CI), and each callback below really runs on a real server.
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention as fastifyZrm, type ZeroRetentionFastifyOptions } from '@zrm/fastify';

const closers: (() => Promise<unknown>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

describe('typed policy callbacks', () => {
  it('Fastify: the callbacks get the FastifyRequest (request.query, request.url)', async () => {
    const app = Fastify();
    await app.register(fastifyZrm, {
      entitled: (request) => (request.query as { plan?: string }).plan === 'enterprise',
      force: (request) => request.url.startsWith('/forced'),
    });
    const wrong: ZeroRetentionFastifyOptions = {
      // @ts-expect-error a FastifyRequest has no Express `get`
      entitled: (request) => request.get('x') === 'y',
    };
    expect(typeof wrong.entitled).toBe('function');
    app.get('/*', () => ({ zrm: isZeroRetention() }));
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    expect(await (await fetch(`${base}/x?enable_logging=false&plan=enterprise`)).json()).toEqual({
      zrm: true,
    });
    expect((await fetch(`${base}/x?enable_logging=false`)).status).toBe(403);
    expect(await (await fetch(`${base}/forced`)).json()).toEqual({ zrm: true });
  });
});
