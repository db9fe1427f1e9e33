import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import { canary } from './helpers/canary.js';
import { captureLogs } from './helpers/log-capture.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { listen, type Running } from './helpers/server.js';

// A policy with no callbacks: ordinary requests are decided without the policy resolution (the fast path)
describe.each(EXPRESS_VERSIONS)('flag without policy callbacks (%s)', (_name, express) => {
  let running: Running;
  const logs = captureLogs();

  beforeAll(async () => {
    const app = express();
    app.set('query parser', false);
    app.use(zeroRetention());
    app.get('/mode', (req, res) => {
      logs.logger.info({ url: req.originalUrl }, 'mode asked');
      res.json({ zeroRetention: isZeroRetention() });
    });
    app.use(zeroRetentionErrorHandler());
    running = await listen(app);
  });
  afterAll(() => running.close());

  async function modeOf(query: string): Promise<{ status: number; zeroRetention?: boolean }> {
    const res = await fetch(`${running.url}/mode${query}`);
    const body = (await res.json()) as { zeroRetention?: boolean };
    return { status: res.status, zeroRetention: body.zeroRetention };
  }

  it('reads a percent-encoded enable_logging name, and drops the canary of its query from the logs', async () => {
    const secret = canary('zrm-query');
    expect(await modeOf(`?enable%5Flogging=false&note=${secret}`)).toEqual({
      status: 200,
      zeroRetention: true,
    });
    expect(await modeOf(`?%65nable_logging=0&note=${secret}`)).toEqual({
      status: 200,
      zeroRetention: true,
    });
    expect(logs.text()).toContain('mode asked');
    expect(logs.text()).not.toContain(secret);
  });

  it('refuses a percent-encoded flag with a bad value', async () => {
    expect((await modeOf('?enable%5Flogging=nope')).status).toBe(400);
  });

  it('keeps ordinary requests whole: no flag, look-alike names, a flag in the fragment', async () => {
    const kept = canary('ordinary-query');
    for (const query of [
      '',
      `?note=${kept}`,
      `?note=a%20${kept}`,
      `?enable_logging_x=false&note=${kept}`,
      `?Enable_Logging=false&note=${kept}`,
    ]) {
      expect(await modeOf(query)).toEqual({ status: 200, zeroRetention: false });
    }
    expect(logs.text()).toContain(`note=a%20${kept}`);
    expect(logs.text()).toContain(`enable_logging_x=false&note=${kept}`);
  });
});
