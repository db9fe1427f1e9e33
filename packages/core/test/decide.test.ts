import { describe, expect, it } from 'vitest';
import type { ZrmDecision, ZrmError } from '@zrm/core';
import { definePolicy, isTainted, isZrmError, type Policy } from '@zrm/core';
import {
  createScope,
  decide,
  defaultRequestId,
  hasPropagatedZeroRetention,
  registerQuery,
  requestIdOf,
  whenDecided,
  type Decided,
} from '@zrm/core/adapter';

const req = (headers: Record<string, string> = {}) => ({ headers });

/** `decide` at the head, with its refusals thrown (or rejected), to read the cases below as plain calls. */
function decideRequest(
  request: { headers: Record<string, string> },
  url: string,
  policy: Policy,
): ZrmDecision | Promise<ZrmDecision> {
  const settle = (answer: Decided): ZrmDecision => {
    if (isZrmError(answer)) throw answer;
    return answer;
  };
  const answer = decide({ moment: 'head', request, url, headers: request.headers }, policy);
  return answer instanceof Promise ? answer.then(settle) : settle(answer);
}

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return (error as ZrmError).code;
  }
  return undefined;
}

describe('decide at the head', () => {
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

describe('decide at the head without policy callbacks (the ordinary fast path)', () => {
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

const ORDINARY: ZrmDecision = { zeroRetention: false, source: 'default' };
const ZRM: ZrmDecision = { zeroRetention: true, source: 'request' };

/** What `decide` answers, settled: the decision, or the refusal's code. */
async function outcome(answer: Decided | Promise<Decided>): Promise<ZrmDecision | string> {
  const settled = await answer;
  return isZrmError(settled) ? settled.code : settled;
}

// every answer `entitled` can give, and whether it entitles: only `true`, or a promise of `true`
const ENTITLEMENTS: [string, () => unknown, boolean][] = [
  ['true', () => true, true],
  ['false', () => false, false],
  ['undefined', () => undefined, false],
  ["'yes'", () => 'yes', false],
  ['1', () => 1, false],
  [
    'a throw',
    () => {
      throw new Error('down');
    },
    false,
  ],
  ['Promise<true>', () => Promise.resolve(true), true],
  ['Promise<false>', () => Promise.resolve(false), false],
  ['Promise<undefined>', () => Promise.resolve(undefined), false],
  ['a rejection', () => Promise.reject(new Error('down')), false],
];

describe('decide: entitlement fails closed at every moment', () => {
  it.each(ENTITLEMENTS)('entitled answering %s', async (_name, answer, entitles) => {
    const restricted: unknown[] = [];
    const policy = definePolicy({
      entitled: answer as () => boolean,
      principal: () => 'acct_1',
      onRestricted: (event) => restricted.push(event),
    });
    const head = await outcome(
      decide(
        { moment: 'head', request: req(), url: '/x?enable_logging=false', headers: {} },
        policy,
      ),
    );
    const message = await outcome(
      decide({ moment: 'message', request: req(), current: ORDINARY, flag: false }, policy),
    );
    if (entitles) {
      expect(head).toEqual(ZRM);
      expect(message).toEqual({ zeroRetention: true, source: 'message' });
      expect(restricted).toEqual([]);
    } else {
      expect(head).toBe('zero_retention_not_allowed');
      expect(message).toBe('zero_retention_not_allowed');
      expect(restricted).toEqual([
        { code: 'zero_retention_not_allowed', principal: 'acct_1' },
        { code: 'zero_retention_not_allowed', principal: 'acct_1' },
      ]);
    }
  });
});

describe('decide after the body', () => {
  const policy = definePolicy({ statefulParams: ['previous_request_ids'] });

  it('refuses a stateful parameter in the parsed body of a ZRM request, naming it', () => {
    const answer = decide(
      { moment: 'body', current: ZRM, body: { text: 'hi', previous_request_ids: ['abc'] } },
      policy,
    );
    expect(isZrmError(answer) && answer.toJSON()).toEqual({
      error: {
        code: 'zero_retention_unavailable',
        message:
          'The parameter "previous_request_ids" needs retained data and cannot be used in Zero Retention Mode.',
        param: 'previous_request_ids',
      },
    });
  });

  it('keeps the decision for ordinary requests, other keys, nested keys and non-object bodies', () => {
    const stateful = { previous_request_ids: ['abc'] };
    expect(decide({ moment: 'body', current: ORDINARY, body: stateful }, policy)).toBe(ORDINARY);
    for (const body of [
      { text: 'x' },
      { nested: stateful },
      [stateful],
      'previous_request_ids',
      null,
    ])
      expect(decide({ moment: 'body', current: ZRM, body }, policy)).toBe(ZRM);
    expect(decide({ moment: 'body', current: ZRM, body: stateful }, definePolicy())).toBe(ZRM);
  });
});

describe('decide mid-session', () => {
  const policy = definePolicy();
  const at = (flag: unknown, current = ORDINARY) =>
    outcome(decide({ moment: 'message', request: req(), current, flag }, policy));

  it('turns ZRM on for false, "false", 0 and "0", and never off', async () => {
    for (const flag of [false, 'false', 0, '0', 'FALSE'])
      expect(await at(flag)).toEqual({ zeroRetention: true, source: 'message' });
    for (const flag of [true, 'true', 1, '1', undefined]) {
      expect(await at(flag)).toEqual(ORDINARY);
      expect(await at(flag, ZRM)).toEqual(ZRM);
    }
    expect(await at(false, ZRM)).toEqual(ZRM);
  });

  it('refuses a garbled flag with invalid_enable_logging', async () => {
    for (const flag of ['no', '', 2, null, {}, ['false', 'true']])
      expect(await at(flag)).toBe('invalid_enable_logging');
  });
});

describe('the rest of the adapter kit', () => {
  it('whenDecided settles sync and async answers and passes rejections on', async () => {
    const seen: unknown[] = [];
    const record = (tag: string) => (value: unknown) => seen.push([tag, value]);
    whenDecided(ZRM, record('ok'), record('no'));
    const refusal = decide(
      { moment: 'head', request: req(), url: '/x?enable_logging=bad', headers: {} },
      definePolicy(),
    );
    whenDecided(refusal, record('ok'), record('no'));
    const failure = new Error('bug');
    whenDecided(Promise.reject(failure), record('ok'), record('no'));
    whenDecided(Promise.resolve(ORDINARY), record('ok'), record('no'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([
      ['ok', ZRM],
      ['no', refusal],
      ['no', failure],
      ['ok', ORDINARY],
    ]);
  });

  it('requestIdOf prefers a custom id, falls back on a throw, an empty or a non-string id', () => {
    const request = req({ 'x-request-id': 'req_42' });
    expect(requestIdOf(request, () => 'mine')).toBe('mine');
    expect(requestIdOf(request)).toBe('req_42');
    for (const custom of [
      () => '',
      () => undefined,
      () => {
        throw new Error('x');
      },
    ])
      expect(requestIdOf(request, custom)).toBe('req_42');
  });
});
