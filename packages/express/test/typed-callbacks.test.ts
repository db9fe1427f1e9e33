// The policy callbacks receive the framework's own request type: this file must compile
// (`pnpm run typecheck` runs in CI), and each callback below really runs on a real server.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention as expressZrm } from '@zrm/express';

const seen: string[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

describe('typed policy callbacks', () => {
  it('Express: entitled, force and principal get Express’s Request (req.get, req.path)', async () => {
    const app = express();
    app.use(
      expressZrm({
        entitled: (req) => req.get('x-plan') === 'enterprise',
        force: (req) => req.path === '/forced',
        principal: (req) => {
          seen.push(`express principal ${req.get('x-account') ?? '-'}`);
          return req.get('x-account');
        },
        requestId: (req) => req.get('x-trace'),
      }),
    );
    // @ts-expect-error a callback's request is Express's, not a string
    expressZrm({ entitled: (req: string) => req === 'x' });
    app.get('/:name', (_req, res) => {
      res.json({ zrm: isZeroRetention() });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const asked = await fetch(`${base}/x?enable_logging=false`, {
      headers: { 'x-plan': 'enterprise' },
    });
    expect(await asked.json()).toEqual({ zrm: true });
    const refused = await fetch(`${base}/x?enable_logging=false`, {
      headers: { 'x-account': 'acct_7' },
    });
    expect(refused.status).toBe(403);
    expect(seen).toContain('express principal acct_7');
    expect(await (await fetch(`${base}/forced`)).json()).toEqual({ zrm: true });
  });
});
