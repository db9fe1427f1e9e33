import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { zeroRetention, type KoaContext, type ZeroRetentionKoaOptions } from '@zrm/koa';

describe('option types', () => {
  it("gives entitled, force, principal and requestId Koa's Context, without casts", () => {
    const options: ZeroRetentionKoaOptions = {
      entitled: (ctx) => ctx.get('x-plan') === 'enterprise',
      force: (ctx) => ctx.headers['x-force-zrm'] === '1',
      principal: (ctx) => ctx.get('x-account'),
      requestId: (ctx: KoaContext) => ctx.get('x-request-id') || undefined,
    };
    const app = new Koa();
    app.use(zeroRetention(options));
    app.use((ctx) => {
      const flag: boolean | undefined = ctx.state.zeroRetention;
      ctx.body = { flag };
    });
    // @ts-expect-error: a callback receives a Koa Context, whose `get` takes a header name
    zeroRetention({ entitled: (ctx) => ctx.get(42) === 'enterprise' });
    // @ts-expect-error: a callback receives a Koa Context, not a plain string
    zeroRetention({ entitled: (ctx: string) => ctx === 'enterprise' });
    // @ts-expect-error: requestId must return a string or undefined
    zeroRetention({ requestId: () => 42 });
    expect(typeof zeroRetention(options)).toBe('function');
  });
});
