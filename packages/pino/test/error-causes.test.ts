import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePolicy, markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { withZeroRetention } from '@zrm/pino';
import { afterAll, describe, expect, it } from 'vitest';
import { contentErrors, rejectedAny, type ContentError } from '../../../test/support/errors.js';
import { PINOS, canary, capture } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'zrm-pino-causes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Serializer = (value: unknown) => unknown;
type Line = Record<string, unknown> & { err: Record<string, unknown> };

const errorsWithCanaries = () => contentErrors(canary);

/** A serializer that reads every link of an error, hidden ones included. */
const readsEveryLink: Serializer = (value) => {
  const e = value as Record<string, unknown>;
  return {
    type: (e.constructor as { name?: unknown } | undefined)?.name,
    cause: e.cause,
    errors: e.errors,
    error: (e.error as Error | undefined)?.message,
    suppressed: e.suppressed,
  };
};

describe.each(PINOS)('causes, aggregated and suppressed errors (%s)', (name, factory) => {
  const errWithCause: Serializer = (value) => factory.stdSerializers.errWithCause(value as Error);
  /** The error serializers a service may run: pino's own, errWithCause, and one that reads every link. */
  const variants: readonly (Serializer | undefined)[] = [undefined, errWithCause, readsEveryLink];
  /** Every line of `setup` under each serializer, in ZRM and (the positive control) in an ordinary scope. */
  function logEverywhere(setup: ContentError): { zrm: string; ordinary: string; zrmLines: Line[] } {
    const zrmOut = capture();
    const ordinaryOut = capture();
    for (const serializer of variants) {
      const options = serializer === undefined ? {} : { serializers: { err: serializer } };
      const zrmLog = factory(withZeroRetention(options), zrmOut);
      const ordinaryLog = factory(withZeroRetention(options), ordinaryOut);
      runWithScope({ zeroRetention: true }, () => {
        zrmLog.error(setup.err);
        zrmLog.error({ err: setup.err }, 'request failed');
      });
      runWithScope({ zeroRetention: false }, () => ordinaryLog.error({ err: setup.err }, 'x'));
    }
    return {
      zrm: zrmOut.text(),
      ordinary: ordinaryOut.text(),
      zrmLines: zrmOut.records() as Line[],
    };
  }

  function expectDropped(setup: ContentError): Line[] {
    const { zrm, ordinary, zrmLines } = logEverywhere(setup);
    // positive control: the probe sees every canary where no ZRM applies
    for (const c of setup.canaries) expect(ordinary).toContain(c);
    for (const c of setup.canaries) expect(zrm).not.toContain(c);
    expect(zrmLines.every((line) => line.zrm === true)).toBe(true);
    // pino's own serializers (the first four lines) name the real class
    for (const line of zrmLines.slice(0, 4)) expect(line.err.type).toBe(setup.type);
    return zrmLines;
  }

  it('drops a string cause canary from a ZRM pino line, keeping err.type SyntaxError', async () => {
    expectDropped((await errorsWithCanaries()).stringCause);
  });

  it('drops a listed (assigned) string cause, writing the cause key as [REDACTED] where pino writes it', async () => {
    const [line] = expectDropped((await errorsWithCanaries()).listedCause);
    expect(line!.err.cause).toBe('[REDACTED]');
  });

  it('keeps a listed number cause in a ZRM line, as pino writes it in an ordinary one', () => {
    const out = capture();
    const err = Object.assign(new RangeError('retry budget spent'), { cause: 3 });
    runWithScope({ zeroRetention: true }, () => factory(withZeroRetention(), out).error(err));
    expect(out.records()[0]).toMatchObject({ err: { type: 'RangeError', cause: 3 } });
  });

  it('drops message and detail of a plain-object cause (a provider error body) from a ZRM line', async () => {
    expectDropped((await errorsWithCanaries()).objectCause);
  });

  it('drops the strings of an array cause from a ZRM line', async () => {
    expectDropped((await errorsWithCanaries()).arrayCause);
  });

  it("drops a cause chain three errors deep, keeping the classes in the stack's caused-by lines", async () => {
    const [line] = expectDropped((await errorsWithCanaries()).chain);
    expect(line!.err).toMatchObject({ status: 502, code: 'upstream_failed', detail: '[REDACTED]' });
    const stack = String(line!.err.stack);
    expect(stack).toMatch(/^ProviderError: \[REDACTED\]\n\s+at /);
    expect(stack).toContain('\ncaused by: TypeError: [REDACTED]\n');
    expect(stack).toContain('\ncaused by: RangeError: [REDACTED]\n');
  });

  it('writes an error that is its own cause content-free', async () => {
    expectDropped((await errorsWithCanaries()).cycle);
  });

  it('drops the error and suppressed value of a SuppressedError from a ZRM line', async () => {
    expectDropped((await errorsWithCanaries()).suppressed);
  });

  it('drops every string reason of an AggregateError from Promise.any, keeping err.type AggregateError', async () => {
    const [line] = expectDropped((await errorsWithCanaries()).aggregate);
    expect(line!.err.aggregateErrors).toEqual(['[REDACTED]', '[REDACTED]']);
  });

  it('drops reasons of an AggregateError of errors, each entry keeping its class', async () => {
    const [line] = expectDropped((await errorsWithCanaries()).aggregateOfErrors);
    expect(line!.err.aggregateErrors).toMatchObject([
      { type: 'TypeError', message: '[REDACTED]' },
      { type: 'ProviderError', message: '[REDACTED]', status: 502 },
    ]);
  });

  it('writes a ZRM error with the keys pino writes for the same error in an ordinary line', async () => {
    // (not the cycle: its listed cause is written as [Circular], where pino folds a cause error into message and stack)
    const { cycle: _cycle, ...acyclic } = await errorsWithCanaries();
    for (const { err } of Object.values(acyclic)) {
      const zrmOut = capture();
      const ordinaryOut = capture();
      runWithScope({ zeroRetention: true }, () => factory(withZeroRetention(), zrmOut).error(err));
      runWithScope({ zeroRetention: false }, () =>
        factory(withZeroRetention(), ordinaryOut).error(err),
      );
      const zrm = (zrmOut.records()[0] as Line).err;
      const ordinary = (ordinaryOut.records()[0] as Line).err;
      expect(Object.keys(zrm)).toEqual(Object.keys(ordinary));
      expect(zrm.type).toBe(ordinary.type);
    }
  });

  it('drops causes of errors logged under other keys and nested deeper, keeping their class', () => {
    const c = canary('elsewhere');
    const err = new SyntaxError('bad', { cause: { detail: c } });
    const out = capture();
    runWithScope({ zeroRetention: true }, () =>
      factory(withZeroRetention(), out).error({ error: err, job: { failure: err } }, 'x'),
    );
    expect(out.text()).not.toContain(c);
    expect(out.records()[0]).toMatchObject({
      error: { type: 'SyntaxError', message: '[REDACTED]' },
      job: { failure: { type: 'SyntaxError' } },
    });
  });

  it('keeps ZRM cause content out of the bytes a pino.destination file receives', async () => {
    const file = join(dir, `causes-${name.replace(/\W/g, '')}.ndjson`);
    const dest = factory.destination({ dest: file, sync: true });
    const log = factory(withZeroRetention({ serializers: { err: errWithCause } }), dest);
    const all = Object.values(await errorsWithCanaries());
    runWithScope({ zeroRetention: true }, () => {
      for (const { err } of all) log.error({ err }, 'failed');
    });
    dest.flushSync();
    const written = readFileSync(file, 'utf8');
    expect(written.split('\n').filter(Boolean)).toHaveLength(all.length);
    const canaries = all.flatMap((e) => e.canaries);
    expect(canaries.filter((c) => written.includes(c))).toEqual([]);
  });

  it('keeps causes, reasons and fields of an ordinary error complete while a ZRM request is in flight', async () => {
    const zrmScope = createScope({
      zeroRetention: true,
      policy: definePolicy({ taint: { graceMs: 0 } }),
    });
    zrmScope.run(() => markSensitive(canary('unrelated')));
    const { chain, aggregate } = await errorsWithCanaries();
    const out = capture();
    const log = factory(withZeroRetention({ serializers: { err: errWithCause } }), out);
    runWithScope({ zeroRetention: false }, () => {
      log.error({ err: chain.err }, 'failed');
      log.error({ err: aggregate.err }, 'failed');
    });
    zrmScope.end();
    for (const c of [...chain.canaries, ...aggregate.canaries]) expect(out.text()).toContain(c);
    const [first, second] = out.records() as Line[];
    expect(first!.err).toMatchObject({ type: 'ProviderError', detail: chain.canaries[0] });
    expect(second!.err.aggregateErrors).toEqual(aggregate.canaries);
  });

  it('scrubs in-flight ZRM content from causes and reasons of an error logged with no scope', async () => {
    const text = canary('in-flight');
    const zrmScope = createScope({
      zeroRetention: true,
      policy: definePolicy({ taint: { graceMs: 0 } }),
    });
    zrmScope.run(() => markSensitive(text));
    const err = new Error('provider failed', { cause: new TypeError(`upstream said ${text}`) });
    const agg = await rejectedAny([`reason ${text}`]);
    const out = capture();
    const log = factory(withZeroRetention({ serializers: { err: errWithCause } }), out);
    // a pool created at start-up: no scope
    log.error({ err }, 'failed');
    log.error({ err: agg }, 'failed');
    zrmScope.end();
    expect(out.text()).not.toContain(text);
    expect(out.records()).toHaveLength(2);
    expect(out.text()).toContain('upstream said [REDACTED]');
  });
});
