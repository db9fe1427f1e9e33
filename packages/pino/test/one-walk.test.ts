import { REDACTED, definePolicy, markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

// A ZRM line whose merging object needs no serializer or http summary is redacted in one
// walk; these prove that the short cuts taken for speed keep every guarantee.
describe.each(PINOS)('one walk over the merging object (%s)', (_name, pino) => {
  it('runs the serializers of an object that has them, and writes errors content-free, in ZRM', () => {
    const out = capture();
    const log = pino(
      withZeroRetention({
        serializers: { user: (u: { id: number; bio: string }) => ({ id: u.id, prompt: u.bio }) },
      }),
      out,
    );
    const c = canary('serialized');
    runWithScope({ zeroRetention: true }, () => {
      log.info({ user: { id: 7, bio: c }, text: c, n: 1 });
      log.info({ failure: new Error(c), n: 2 });
    });
    expect(out.text()).not.toContain(c);
    const [first, second] = out.records();
    expect(first).toMatchObject({
      user: { id: 7, prompt: '[REDACTED]' },
      text: '[REDACTED]',
      n: 1,
    });
    expect(second).toMatchObject({ failure: { type: 'Error', message: '[REDACTED]' }, n: 2 });
  });

  it("runs a child logger's own serializers in ZRM, not its parent's", () => {
    const out = capture();
    const parent = pino(withZeroRetention(), out);
    // a key no other test serializes, so no earlier logger can have made this one right by chance
    const child = parent.child({}, { serializers: { account: () => ({ serialized: true }) } });
    const c = canary('child');
    runWithScope({ zeroRetention: true }, () => {
      parent.info({ account: { id: 1, prompt: c } });
      child.info({ account: { id: 1, prompt: c } });
      parent.info({ account: { id: 2 } });
    });
    expect(out.text()).not.toContain(c);
    const [fromParent, fromChild, again] = out.records();
    expect(fromParent).toMatchObject({ account: { id: 1, prompt: '[REDACTED]' } });
    expect(fromChild).toMatchObject({ account: { serialized: true } });
    expect(again).toMatchObject({ account: { id: 2 } });
  });

  it('judges a key by the policy of each line: content under one policy, kept under another', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const strict = definePolicy({ sensitiveKeys: ['voiceLabel'] });
    const label = canary('label');
    const lenient = createScope({ zeroRetention: true });
    const strictScope = createScope({ zeroRetention: true, policy: strict });
    lenient.run(() => log.info({ voiceLabel: 'narrator' }));
    strictScope.run(() => log.info({ voiceLabel: label }));
    lenient.run(() => log.info({ voiceLabel: 'narrator' }));
    lenient.end();
    strictScope.end();
    expect(out.text()).not.toContain(label);
    expect(out.records().map((r) => r.voiceLabel)).toEqual(['narrator', '[REDACTED]', 'narrator']);
  });

  it('writes an object referenced twice in full, and a cycle as [Circular], in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const c = canary('shared');
    const shared = { id: 1, prompt: c };
    const loop: Record<string, unknown> = { id: 2 };
    loop.self = loop;
    runWithScope({ zeroRetention: true }, () => log.info({ a: shared, b: shared, loop }));
    expect(out.text()).not.toContain(c);
    expect(out.records()[0]).toMatchObject({
      a: { id: 1, prompt: '[REDACTED]' },
      b: { id: 1, prompt: '[REDACTED]' },
      loop: { id: 2, self: '[Circular]' },
    });
  });

  it('writes an ordinary line logged while a lost-context line is being written with its own content, scrubbed of in-flight ZRM content', () => {
    const outer = capture();
    const inner = capture();
    const innerLog = pino(withZeroRetention(), inner);
    const ordinary = createScope({ zeroRetention: false });
    const secret = canary('nested');
    const kept = canary('kept');
    const outerLog = pino(
      withZeroRetention({
        formatters: {
          log(o: Record<string, unknown>) {
            // an ordinary request's line, written while the outer (lost-context) line is rendered
            ordinary.run(() => innerLog.info({ note: secret, own: kept }));
            return o;
          },
        },
      }),
      outer,
    );
    const zrm = createScope({
      zeroRetention: true,
      policy: definePolicy({ taint: { graceMs: 0 } }),
    });
    zrm.run(() => markSensitive(secret));
    try {
      outerLog.info({ note: secret });
    } finally {
      zrm.end();
      ordinary.end();
    }
    expect(outer.text()).not.toContain(secret);
    // the nested ordinary line keeps its own content and loses the in-flight ZRM request's
    expect(inner.records()).toEqual([expect.objectContaining({ note: REDACTED, own: kept })]);
  });
});
