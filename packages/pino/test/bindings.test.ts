import { markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

describe.each(PINOS)('child bindings (%s)', (_name, pino) => {
  it('drops a canary from a req binding made before the scope existed, in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const q = canary('query');
    const body = canary('body');
    // a framework binds the request before any middleware decided ZRM
    const requestLog = log.child({
      req: { method: 'POST', url: `/v1/tts?text=${q}&model_id=m1`, query: { text: q } },
    });
    const child = requestLog.child({ body });
    runWithScope({ zeroRetention: true }, () => child.info('request completed'));
    const text = out.text();
    expect(text).not.toContain(q);
    expect(text).not.toContain(body);
    expect(out.records()[0]).toMatchObject({
      req: { method: 'POST', url: '/v1/tts?text=[REDACTED]&model_id=m1', query: '[REDACTED]' },
      body: '[REDACTED]',
      zrm: true,
      msg: 'request completed',
    });
  });

  it('drops a binding made while the scope was ordinary, after the scope was tightened to ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const secret = canary('late');
    const scope = createScope({ zeroRetention: false });
    scope.run(() => {
      const child = log.child({ transcript: secret, user: 'u1' });
      child.info('before');
      scope.tighten('policy');
      child.info('after');
    });
    scope.end();
    const [before, after] = out.records();
    expect(before).toMatchObject({ transcript: secret, user: 'u1' });
    expect(JSON.stringify(after)).not.toContain(secret);
    expect(after).toMatchObject({ transcript: '[REDACTED]', user: 'u1', zrm: true });
  });

  it('drops registered content from bindings under any key, including setBindings, in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const secret = canary('bound');
    const child = log.child({ note: secret });
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(secret);
      child.info('one');
      child.setBindings({ label: `x ${secret}` });
      child.info('two');
    });
    expect(out.text()).not.toContain(secret);
    expect(out.records()).toHaveLength(2);
  });

  it('restores the logger bindings after a ZRM line, so ordinary lines keep them complete', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const secret = canary('restore');
    const child = log.child({ transcript: secret });
    runWithScope({ zeroRetention: true }, () => child.info('zrm'));
    runWithScope({ zeroRetention: false }, () => child.info('ordinary'));
    expect(out.records()[1]).toMatchObject({ transcript: secret, msg: 'ordinary' });
    expect(child.bindings()).toEqual({ transcript: secret });
  });
});
