import { describe, expect, it } from 'vitest';
import type { ZrmDecision, ZrmError } from '@zrm/core';
import {
  createScope,
  decideRequest,
  defaultRequestId,
  definePolicy,
  hasPropagatedZeroRetention,
  isTainted,
  registerQuery,
} from '@zrm/core';

const req = (headers: Record<string, string> = {}) => ({ headers });

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return (error as ZrmError).code;
  }
  return undefined;
}

describe('decideRequest', () => {
  it('reads enable_logging from the raw URL', () => {
    const policy = definePolicy();
    expect(decideRequest(req(), '/tts?enable_logging=false', policy)).toEqual({
      zeroRetention: true,
      source: 'request',
    });
    expect(decideRequest(req(), '/tts', policy)).toEqual({
      zeroRetention: false,
      source: 'default',
    });
  });

  it('refuses a bad flag before any policy callback runs', async () => {
    let called = false;
    const policy = definePolicy({ force: () => (called = true) });
    expect(await codeOf(() => decideRequest(req(), '/tts?enable_logging=nope', policy))).toBe(
      'invalid_enable_logging',
    );
    expect(called).toBe(false);
  });

  it('fails closed: a throwing force means ZRM, a throwing or rejecting entitled means 403', async () => {
    const throwing = definePolicy({
      force: () => {
        throw new Error('down');
      },
    });
    expect(decideRequest(req(), '/x', throwing)).toEqual({ zeroRetention: true, source: 'policy' });
    const rejecting = definePolicy({ entitled: () => Promise.reject(new Error('down')) });
    expect(await codeOf(() => decideRequest(req(), '/x?enable_logging=false', rejecting))).toBe(
      'zero_retention_not_allowed',
    );
    const notBoolean = definePolicy({ entitled: () => undefined as unknown as boolean });
    expect(await codeOf(() => decideRequest(req(), '/x?enable_logging=false', notBoolean))).toBe(
      'zero_retention_not_allowed',
    );
  });

  it('waits for async callbacks and passes the principal to onRestricted', async () => {
    const seen: (string | undefined)[] = [];
    const policy = definePolicy({
      force: (r) =>
        Promise.resolve((r as { headers: Record<string, string> }).headers['x-agent'] === 'zrm'),
      entitled: () => Promise.resolve(false),
      principal: () => 'tenant-9',
      onRestricted: (event) => seen.push(event.principal),
    });
    await expect(decideRequest(req({ 'x-agent': 'zrm' }), '/x', policy)).resolves.toEqual({
      zeroRetention: true,
      source: 'policy',
    });
    expect(await codeOf(() => decideRequest(req(), '/x?enable_logging=0', policy))).toBe(
      'zero_retention_not_allowed',
    );
    expect(seen).toEqual(['tenant-9']);
  });

  it('honours baggage zrm=1 only when the policy trusts the peer', () => {
    const baggage = req({ baggage: 'a=b, zrm=1;prop' });
    expect((decideRequest(baggage, '/x', definePolicy()) as ZrmDecision).zeroRetention).toBe(false);
    expect(decideRequest(baggage, '/x', definePolicy({ trustPropagated: () => true }))).toEqual({
      zeroRetention: true,
      source: 'propagated',
    });
  });

  it('names a stateful parameter sent together with ZRM', async () => {
    const policy = definePolicy({ statefulParams: ['previous_request_ids'] });
    expect(
      await codeOf(() =>
        decideRequest(req(), '/x?enable_logging=false&previous_request_ids=a', policy),
      ),
    ).toBe('zero_retention_unavailable');
    expect(
      (decideRequest(req(), '/x?previous_request_ids=a', policy) as ZrmDecision).zeroRetention,
    ).toBe(false);
  });
});

describe('decideRequest without policy callbacks (the ordinary fast path)', () => {
  const policy = definePolicy();

  it('reads the flag wherever it can hide: percent-encoded names, other parameters around it', () => {
    for (const url of [
      '/x?enable%5Flogging=false',
      '/x?%65nable_logging=0',
      '/x?a=%20b&enable_logging=FALSE',
      '/x?a=1+2&enable_logging=false#frag',
    ]) {
      expect(decideRequest(req(), url, policy)).toEqual({ zeroRetention: true, source: 'request' });
    }
  });

  it('answers ordinary for no flag, look-alike names and a flag in the fragment', () => {
    for (const url of [
      '/x',
      '/x?',
      '/x?a=%20b',
      '/x?enable_logging_x=false',
      '/x?Enable_Logging=false',
      '/x?a=1#enable_logging=false',
    ]) {
      expect(decideRequest(req(), url, policy)).toEqual({
        zeroRetention: false,
        source: 'default',
      });
    }
  });

  it('still refuses a bad percent-encoded flag', async () => {
    expect(await codeOf(() => decideRequest(req(), '/x?enable%5Flogging=', policy))).toBe(
      'invalid_enable_logging',
    );
  });
});

describe('hasPropagatedZeroRetention', () => {
  it('finds zrm=1 among baggage members and nothing else', () => {
    expect(hasPropagatedZeroRetention('zrm=1')).toBe(true);
    expect(hasPropagatedZeroRetention(['a=1', ' zrm = 1 ;x=y'])).toBe(true);
    expect(hasPropagatedZeroRetention('zrm=0')).toBe(false);
    expect(hasPropagatedZeroRetention('xzrm=1')).toBe(false);
    expect(hasPropagatedZeroRetention('zrmish')).toBe(false);
    expect(hasPropagatedZeroRetention(undefined)).toBe(false);
  });
});

describe('registerQuery and defaultRequestId', () => {
  it('registers query values of a ZRM request except safe parameters (all of them when refused)', () => {
    const scope = createScope({
      zeroRetention: true,
      policy: definePolicy({ taint: { graceMs: 0 } }),
    });
    registerQuery(
      '/tts?text=CANARY%20query%20value%201&model_id=eleven_model_v2&bad=%E0%A4',
      scope,
    );
    expect(isTainted('CANARY query value 1')).toBe(true);
    expect(isTainted('eleven_model_v2')).toBe(false);
    registerQuery('/tts?model_id=eleven_model_v2#frag', scope, true);
    expect(isTainted('eleven_model_v2')).toBe(true);
    scope.end();
    expect(isTainted('CANARY query value 1')).toBe(false);
  });

  it('uses a short x-request-id token and never a long or odd one', () => {
    expect(defaultRequestId(req({ 'x-request-id': 'abc-123' }))).toBe('abc-123');
    expect(defaultRequestId(req({ 'x-request-id': 'has spaces in it' }))).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(defaultRequestId(req())).toMatch(/^[0-9a-f-]{36}$/);
  });
});
