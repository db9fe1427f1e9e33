import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { definePolicy } from '@zrm/core';
import {
  zeroRetention,
  type HonoRequest,
  type ZeroRetentionOptions,
  type ZeroRetentionVariables,
} from '@zrm/hono';

// compiled by `pnpm run typecheck`: policy callbacks get Hono's Context, no casts
const options: ZeroRetentionOptions = {
  entitled: (c) => c.req.header('x-plan') === 'enterprise',
  force: (c) => c.req.path.startsWith('/private'),
  principal: (c) => c.req.header('x-account'),
  requestId: (c) => c.req.header('x-correlation-id'),
};
const policy = definePolicy<HonoRequest>({ entitled: (c) => c.req.query('plan') === 'ent' });

const bad: ZeroRetentionOptions = {
  // @ts-expect-error -- a Hono Context has no `headers` record (that is Node's request)
  entitled: (c) => c.headers['x-plan'] === 'enterprise',
};

describe('types', () => {
  it('takes options or a policy; c.get("zeroRetention") is a boolean', () => {
    const app = new Hono<{ Variables: ZeroRetentionVariables }>();
    app.use(zeroRetention(options));
    app.use(zeroRetention(policy));
    app.get('/', (c) => {
      const on: boolean = c.get('zeroRetention');
      return c.json({ on });
    });
    // through the ContextVariableMap augmentation, on an app without the Variables type too
    new Hono().get('/', (c) => c.json({ on: c.get('zeroRetention') satisfies boolean }));
    expect(typeof zeroRetention(bad)).toBe('function');
  });
});
