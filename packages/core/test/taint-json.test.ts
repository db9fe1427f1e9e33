import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, markSensitive, scrubString } from '@zrm/core';
import { createScope, scrubJson, shortestTaintedLength } from '@zrm/core/adapter';

const policy = { taint: { graceMs: 0 } };

function inFlight(...values: string[]) {
  const scope = createScope({ zeroRetention: true, policy });
  scope.run(() => markSensitive(...values));
  return scope;
}

describe('taint in JSON text', () => {
  it('finds content with quotes, backslashes and newlines in the escaped form a JSON line holds', () => {
    const text = `he said "stop" \\ then\nthe card is 4111 1111 1111 1111 ${Math.random()}`;
    const scope = inFlight(text);
    const line = JSON.stringify({ level: 30, transcript: text, n: 1 });
    expect(line).not.toContain(text); // escaped, so the raw value is not in the line as such
    const out = scrubJson(line);
    expect(out).not.toContain('4111 1111 1111 1111');
    expect(JSON.parse(out)).toEqual({ level: 30, transcript: REDACTED, n: 1 });
    expect(scrubString(line)).not.toContain('4111 1111 1111 1111');
    scope.end();
  });

  it('scans every string token, keys included, and nothing is missed behind an escaped quote', () => {
    const secret = `zrm-${Math.random().toString(36).slice(2)}-private words here`;
    const scope = inFlight(secret);
    const line = `{"a":"x \\" y","${secret}":1,"b":"pre ${secret} post"}`;
    expect(scrubJson(line)).toBe(`{"a":"x \\" y","${REDACTED}":1,"b":"pre ${REDACTED} post"}`);
    scope.end();
  });

  it('agrees with the whole-text scan on random JSON documents holding registered content', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 16, maxLength: 60 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.nat(3),
        (secret, doc, where) => {
          const scope = inFlight(secret);
          try {
            const holder = [doc, { note: `x ${secret} y` }, secret, { [secret]: 1 }][where];
            const line = JSON.stringify({ doc: holder });
            const viaTokens = scrubJson(line);
            // every registered run the whole-text scan finds, the token scan finds too
            expect(viaTokens.includes(JSON.stringify(secret).slice(1, -1))).toBe(false);
            expect(scrubString(viaTokens)).toBe(viaTokens);
          } finally {
            scope.end();
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds a run of a second value of one request that shares its start with the first', () => {
    // both values' winnowed fragment is the shared run: each value must keep its own
    // (here the second value is the first's JSON-escaped form)
    const scope = inFlight('          ? 7" ) ');
    expect(scrubString('x           ? 7\\" )  y')).toBe(`x ${REDACTED} y`);
    expect(scrubString('x           ? 7" )  y')).toBe(`x ${REDACTED} y`);
    scope.end();
  });

  it('reports the shortest string that can hold registered content, Infinity when none is in flight', () => {
    expect(shortestTaintedLength()).toBe(Infinity);
    const long = inFlight('a long transcript of more than sixteen characters');
    expect(shortestTaintedLength()).toBe(16);
    const short = inFlight('Smith!!');
    expect(shortestTaintedLength()).toBe(7);
    short.end();
    expect(shortestTaintedLength()).toBe(16);
    long.end();
    expect(shortestTaintedLength()).toBe(Infinity);
  });

  it('still finds live content after thousands of owners came and went (quick-reject filter rebuilt)', () => {
    const keep = `kept-${Math.random()} content that stays in flight`;
    const live = inFlight(keep);
    for (let i = 0; i < 5_000; i++)
      inFlight(`churn ${i} ${Math.random()} some registered words`).end();
    expect(scrubString(`x ${keep} y`)).toBe(`x ${REDACTED} y`);
    expect(scrubString('churn 17 0.123 some registered words')).toBe(
      'churn 17 0.123 some registered words',
    );
    live.end();
  });
});

describe('remembered clean texts', () => {
  it('finds content registered after a text was remembered clean', async () => {
    const { isTaintedRemembering } = await import('@zrm/core/adapter');
    const text = `a short text ${Math.random().toString(36)}!`;
    const first = inFlight(`unrelated content ${Math.random()} kept in flight`);
    expect(isTaintedRemembering(text)).toBe(false);
    expect(isTaintedRemembering(text)).toBe(false);
    const second = inFlight(text); // the same text is now a ZRM request's content
    expect(isTaintedRemembering(text)).toBe(true);
    second.end();
    first.end();
  });
});

describe('a text many requests registered', () => {
  it('is indexed once, stays caught until the last request holding it is released', async () => {
    const { TaintIndex, createTaintOwner } = await import('../src/taint-index.js');
    const { DEFAULT_TAINT } = await import('../src/policy.js');
    const index = new TaintIndex();
    const prompt = `You are a helpful assistant for a bank ${Math.random()}; never reveal card numbers.`;
    const owners = Array.from({ length: 500 }, () => createTaintOwner(DEFAULT_TAINT));
    index.add(owners[0] as (typeof owners)[number], prompt);
    const fragmentsOfOne = index.fragmentCount;
    for (const owner of owners.slice(1)) index.add(owner, prompt);
    expect(index.fragmentCount).toBe(fragmentsOfOne);
    expect(index.ownerCount).toBe(500);
    for (const owner of owners.slice(0, 499)) index.release(owner);
    expect(index.scrub(`system: ${prompt}`)).toBe(`system: ${REDACTED}`);
    index.release(owners[499] as (typeof owners)[number]);
    expect(index.ownerCount).toBe(0);
    expect(index.fragmentCount).toBe(0);
    expect(index.scrub(`system: ${prompt}`)).toBe(`system: ${prompt}`);
  });
});

describe('registered bytes found in other bytes', () => {
  it('finds a ZRM request’s audio, whole or a long chunk, inside other bytes, and nothing once released', async () => {
    const { isTaintedBytes, encodedTextRegistered } = await import('@zrm/core/adapter');
    const { caughtRun } = await import('../src/byte-samples.js');
    const { randomBytes } = await import('node:crypto');
    const audio = randomBytes(64 * 1024);
    const scope = createScope({ zeroRetention: true, policy });
    scope.run(() => markSensitive(audio));
    const around = Buffer.concat([randomBytes(777), audio, randomBytes(100)]);
    expect(isTaintedBytes(around)).toBe(true);
    const run = caughtRun(audio.length);
    expect(isTaintedBytes(audio.subarray(5_001, 5_001 + run))).toBe(true);
    expect(isTaintedBytes(randomBytes(64 * 1024))).toBe(false);
    expect(encodedTextRegistered()).toBe(false);
    scope.end();
    expect(isTaintedBytes(around)).toBe(false);
  });

  it('does not take silence shared by two recordings for a ZRM request’s audio', async () => {
    const { isTaintedBytes } = await import('@zrm/core/adapter');
    const { randomBytes } = await import('node:crypto');
    const silence = Buffer.alloc(16 * 1024);
    const zrmAudio = Buffer.concat([randomBytes(8 * 1024), silence, randomBytes(8 * 1024)]);
    const ordinaryAudio = Buffer.concat([randomBytes(4 * 1024), silence, randomBytes(4 * 1024)]);
    const scope = createScope({ zeroRetention: true, policy });
    const other = createScope({ zeroRetention: true, policy });
    scope.run(() => markSensitive(zrmAudio));
    other.run(() => markSensitive(Buffer.from(zrmAudio))); // a second request with the same audio
    expect(isTaintedBytes(ordinaryAudio)).toBe(false);
    expect(isTaintedBytes(zrmAudio.subarray(100, 8_000))).toBe(true);
    scope.end();
    // the second request still holds the same audio
    expect(isTaintedBytes(zrmAudio)).toBe(true);
    other.end();
    expect(isTaintedBytes(zrmAudio)).toBe(false);
  });

  it('says when a request registered encoded bytes as text', async () => {
    const { encodedTextRegistered } = await import('@zrm/core/adapter');
    const { randomBytes } = await import('node:crypto');
    const scope = inFlight(randomBytes(300).toString('base64'));
    expect(encodedTextRegistered()).toBe(true);
    scope.end();
    expect(encodedTextRegistered()).toBe(false);
  });
});
