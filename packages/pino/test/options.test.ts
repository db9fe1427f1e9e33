import { runWithScope } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

describe.each(PINOS)('composing with the user options (%s)', (_name, pino) => {
  it('keeps the user hooks, mixin, serializers, formatters and redact working in ZRM, and redacts what the mixin adds', () => {
    const out = capture();
    const c = canary('mixin');
    const log = pino(
      withZeroRetention({
        serializers: { voice: (v: { id: string }) => ({ voiceId: v.id }) },
        formatters: { level: (label: string) => ({ severity: label }) },
        redact: ['user.email'],
        mixin: () => ({ traceId: 't-1', prompt: c }),
        hooks: {
          logMethod(args, method) {
            method.apply(this, [
              { ...(args[0] as object), hooked: true },
              ...args.slice(1),
            ] as Parameters<typeof method>);
          },
          streamWrite: (s: string) => s.replace('"severity"', '"sev"'),
        },
      }),
      out,
    );
    runWithScope({ zeroRetention: true }, () =>
      log.info({ voice: { id: 'v9' }, user: { email: 'a@b.c' } }, 'ok'),
    );
    expect(out.text()).not.toContain(c);
    expect(out.records()[0]).toEqual(
      expect.objectContaining({
        sev: 'info',
        traceId: 't-1',
        prompt: '[REDACTED]',
        voice: { voiceId: 'v9' },
        user: { email: '[Redacted]' },
        hooked: true,
        zrm: true,
        msg: '[REDACTED]',
      }),
    );
  });

  it('hands a mixin and metadata streams only the redacted merging object in ZRM (what OpenTelemetry pino instrumentation reads)', () => {
    const seen: string[] = [];
    const c = canary('mixin-input');
    const stream = Object.assign(capture(), {
      [Symbol.for('pino.metadata')]: true,
      lastObj: undefined,
    });
    const log = pino(
      withZeroRetention({
        mixin: (mergeObject: object) => {
          seen.push(JSON.stringify(mergeObject));
          return {};
        },
      }),
      stream,
    );
    runWithScope({ zeroRetention: true }, () => log.info({ text: c, nested: { prompt: c } }, 'x'));
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain(c);
    expect(JSON.stringify(stream.lastObj)).not.toContain(c);
    expect(stream.text()).not.toContain(c);
  });

  it('returns new options and leaves the given options object untouched', () => {
    const hooks = {};
    const given = { level: 'info', hooks };
    const result = withZeroRetention(given);
    expect(result).not.toBe(given);
    expect(given).toEqual({ level: 'info', hooks: {} });
    expect(result.level).toBe('info');
  });

  it('composes once when applied twice, so a ZRM line is processed once', () => {
    const out = capture();
    const once = withZeroRetention({ level: 'info' });
    expect(withZeroRetention(once)).toBe(once);
    const log = pino(withZeroRetention(once), out);
    runWithScope({ zeroRetention: true }, () => log.info('twice %s', canary('twice')));
    expect(out.records()[0]?.msg).toBe('twice [REDACTED]');
  });

  it('rejects options that are not an object, hooks that are not functions and unknown message modes, with a content-free TypeError', () => {
    const secret = canary('option');
    expect(() => withZeroRetention(secret as unknown as object)).toThrow(TypeError);
    expect(() => withZeroRetention({ hooks: { logMethod: secret } })).toThrow(
      'withZeroRetention: hooks.logMethod must be a function',
    );
    expect(() => withZeroRetention({ mixin: secret })).toThrow(/^(?!.*CANARY)/);
    expect(() => withZeroRetention({}, { messages: secret as 'keep' })).toThrow(
      "withZeroRetention: messages must be 'redact' or 'keep'",
    );
  });
});
