import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  definePolicy,
  isTainted,
  markSensitive,
  redact,
  runWithScope,
  scrubString,
} from '@zrm/core';
import { createScope, inFlightTaintCount } from '@zrm/core/adapter';

const canary = () =>
  `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, 'q')}-patient said the card is 4111 1111 1111 1111`;
const quick = definePolicy({ taint: { graceMs: 0 } });

describe('taint', () => {
  it('scrubs a registered value and fragments of it from any string in ZRM', () => {
    runWithScope({ zeroRetention: true, policy: quick }, () => {
      const text = canary();
      expect(markSensitive(text)).toBe(1);
      expect(scrubString(`log: ${text}!`)).toBe(`log: ${REDACTED}!`);
      // ends inside a word: the run of matching characters stops exactly at its edges
      const fragment = text.slice(10, 29);
      const out = scrubString(`partial ${fragment} end`);
      expect(out).not.toContain(fragment);
      expect(out).toBe(`partial ${REDACTED} end`);
      expect(scrubString('nothing to see here at all')).toBe('nothing to see here at all');
    });
  });

  it('leaves fragments shorter than fragmentLength alone', () => {
    runWithScope({ zeroRetention: true, policy: quick }, () => {
      markSensitive('abcdefghijklmnopqrstuvwxyz0123456789');
      expect(scrubString('xx abcdefghijklmno yy')).toBe('xx abcdefghijklmno yy');
      expect(scrubString('xx abcdefghijklmnop yy')).toBe(`xx ${REDACTED} yy`);
    });
  });

  it('matches short values whole and ignores values below minLength', () => {
    runWithScope({ zeroRetention: true, policy: quick }, () => {
      expect(markSensitive('hello!!', 'hi')).toBe(2);
      expect(scrubString('say hello!! twice hello!!')).toBe(`say ${REDACTED} twice ${REDACTED}`);
      expect(scrubString('hi there')).toBe('hi there');
    });
  });

  it('registers nothing outside ZRM', () => {
    expect(markSensitive('outside of any scope value')).toBe(0);
    runWithScope({ zeroRetention: false }, () => {
      expect(markSensitive('ordinary request value here')).toBe(0);
      expect(scrubString('ordinary request value here')).toBe('ordinary request value here');
    });
  });

  it('scrubs the base64, base64url and hex forms of registered binary values', () => {
    runWithScope({ zeroRetention: true, policy: quick }, () => {
      const audio = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256));
      markSensitive(new Uint8Array(audio));
      for (const form of [
        audio.toString('base64'),
        audio.toString('base64url'),
        audio.toString('hex'),
        audio.subarray(1).toString('base64'),
        audio.subarray(2, 200).toString('base64'),
        audio.subarray(30, 90).toString('hex'),
      ]) {
        const out = scrubString(`payload=${form};`);
        expect(out.startsWith('payload=')).toBe(true);
        expect(out).not.toContain(form.slice(20, 60));
      }
    });
  });

  it('catches registered content in a string scrubbed from an emitter callback that lost the context', async () => {
    const emitter = new EventEmitter();
    const outputs: string[] = [];
    emitter.on('line', (line: string) => outputs.push(scrubString(line)));
    const text = canary();
    const scope = createScope({ zeroRetention: true, policy: quick });
    scope.run(() => markSensitive(text));
    // emitted from outside any scope, as a pool created at start-up would
    setImmediate(() => emitter.emit('line', `transcript: ${text}`));
    await sleep(5);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).not.toContain(text.slice(0, 20));
    expect(isTainted(text)).toBe(true);
    expect(redact({ nested: [`x ${text}`] })).toEqual({ nested: [`x ${REDACTED}`] });
    scope.end();
    expect(isTainted(text)).toBe(false);
    expect(inFlightTaintCount()).toBe(0);
  });

  it('keeps a late timer of an ended ZRM scope clean until the grace period passes', async () => {
    const lines: string[] = [];
    const text = canary();
    const policy = definePolicy({ taint: { graceMs: 50 } });
    const scope = createScope({ zeroRetention: true, policy });
    scope.run(() => {
      markSensitive(text);
      setTimeout(() => lines.push(scrubString(`late: ${text}`)), 10);
    });
    scope.end();
    await sleep(20);
    expect(lines).toEqual([`late: ${REDACTED}`]);
    expect(inFlightTaintCount()).toBeGreaterThan(0);
    await sleep(80);
    expect(inFlightTaintCount()).toBe(0);
  });

  it('releases the taint of a scope that is garbage-collected before it ends', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) {
      const { setFlagsFromString } = await import('node:v8');
      const { runInNewContext } = await import('node:vm');
      setFlagsFromString('--expose-gc');
      (globalThis as { gc?: () => void }).gc = runInNewContext('gc') as () => void;
    }
    (() => {
      const scope = createScope({
        zeroRetention: true,
        policy: definePolicy({ taint: { graceMs: 60_000 } }),
      });
      scope.run(() => markSensitive(canary()));
    })();
    expect(inFlightTaintCount()).toBe(1);
    // a scope is watched by the collector from a second after it registered content
    for (let i = 0; i < 100 && inFlightTaintCount() > 0; i++) {
      (globalThis as unknown as { gc: () => void }).gc();
      await sleep(50);
    }
    expect(inFlightTaintCount()).toBe(0);
  });

  it('does not register into a scope that has ended and released', () => {
    const scope = createScope({ zeroRetention: true, policy: quick });
    scope.end();
    scope.run(() => markSensitive('registered after the end of the scope'));
    expect(inFlightTaintCount()).toBe(0);
  });

  it('samples very long values with a stride and still catches long fragments', () => {
    const policy = definePolicy({ taint: { graceMs: 0, maxFragmentsPerValue: 64 } });
    runWithScope({ zeroRetention: true, policy }, () => {
      const long =
        Array.from({ length: 2_000 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('') +
        canary();
      markSensitive(long);
      const fragment = long.slice(500, 600);
      const out = scrubString(`<${fragment}>`);
      expect(out).toBe(`<${REDACTED}>`);
    });
  });

  it('samples large binary values sparsely and still catches a long run of their base64', () => {
    runWithScope({ zeroRetention: true, policy: quick }, () => {
      const audio = randomBytes(1 << 20);
      markSensitive(audio);
      const base64 = audio.toString('base64');
      // 1 MiB is 1.4 M base64 characters in 1,024 samples: any run longer than one stride is caught
      const stride = Math.ceil(base64.length / 1_024);
      const leaked = base64.slice(700_000, 700_000 + stride + 16);
      expect(scrubString(`audio=${leaked}`)).toBe(`audio=${REDACTED}`);
      // the documented limit: a run shorter than a stride, between two samples, is not caught
      const short = base64.slice(stride * 100 + 500, stride * 100 + 600);
      expect(scrubString(`audio=${short}`)).toBe(`audio=${short}`);
    });
  });

  it('keeps the same text registered by concurrent requests until the last of them releases it', () => {
    const text = canary();
    const scopes = Array.from({ length: 50 }, () =>
      createScope({ zeroRetention: true, policy: quick }),
    );
    for (const scope of scopes) scope.run(() => markSensitive(text));
    scopes[0]!.end();
    scopes[1]!.end();
    expect(isTainted(text)).toBe(true);
    for (const scope of scopes.slice(2, -1)) scope.end();
    expect(scrubString(`x ${text} y`)).toBe(`x ${REDACTED} y`);
    scopes.at(-1)!.end();
    expect(isTainted(text)).toBe(false);
    expect(inFlightTaintCount()).toBe(0);
  });

  it('scrubs several values in one string and keeps the text between them', () => {
    runWithScope({ zeroRetention: true, policy: quick }, () => {
      const a = canary();
      const b = canary();
      markSensitive(a, b);
      expect(scrubString(`1 ${a} 2 ${b} 3`)).toBe(`1 ${REDACTED} 2 ${REDACTED} 3`);
      expect(scrubString(`${a}${b}`)).toBe(REDACTED);
    });
  });

  it('handles a 1 MB string and 10 registered values of 2 KB', () => {
    runWithScope({ zeroRetention: true, policy: quick }, () => {
      const values = Array.from({ length: 10 }, () => canary() + 'y'.repeat(2_000));
      markSensitive(...values);
      const big = 'z'.repeat(1_000_000) + values[3] + 'z'.repeat(10);
      const out = scrubString(big);
      expect(out.length).toBe(1_000_000 + REDACTED.length + 10);
      expect(out).not.toContain(values[3]!.slice(0, 30));
    });
  });
});
