import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  bindEmitterToScope,
  bindToScope,
  currentScope,
  definePolicy,
  isZeroRetention,
  markSensitive,
  onZeroRetention,
  runWithScope,
  scrubString,
  type ZrmScope,
} from '@zrm/core';
import { createScope, inFlightTaintCount } from '@zrm/core/adapter';
import type * as core from '@zrm/core';

const quickRelease = definePolicy({ taint: { graceMs: 0 } });

describe('scope', () => {
  it('has no scope outside runWithScope', () => {
    expect(currentScope()).toBeUndefined();
    expect(isZeroRetention()).toBe(false);
  });

  it('exposes the flag, source and request id inside the scope', () => {
    runWithScope({ zeroRetention: true, requestId: 'r1', source: 'request' }, () => {
      expect(isZeroRetention()).toBe(true);
      expect(currentScope()?.requestId).toBe('r1');
      expect(currentScope()?.source).toBe('request');
    });
  });

  it('rejects an init without a boolean flag', () => {
    expect(() => runWithScope({} as { zeroRetention: boolean }, () => 1)).toThrow(TypeError);
    expect(() => createScope({ zeroRetention: 'false' as unknown as boolean })).toThrow(TypeError);
  });

  it('lets a nested scope tighten but never loosen', () => {
    runWithScope({ zeroRetention: true }, () => {
      runWithScope({ zeroRetention: false }, () => {
        expect(isZeroRetention()).toBe(true);
        expect(currentScope()?.source).toBe('inherited');
      });
    });
    runWithScope({ zeroRetention: false }, () => {
      runWithScope({ zeroRetention: true }, () => expect(isZeroRetention()).toBe(true));
      expect(isZeroRetention()).toBe(false);
    });
  });

  it('turns ZRM on with tighten and offers no way back', () => {
    const scope = createScope({ zeroRetention: false });
    scope.run(() => {
      expect(isZeroRetention()).toBe(false);
      scope.tighten('message');
      expect(isZeroRetention()).toBe(true);
      expect(scope.source).toBe('message');
      scope.tighten('policy');
      expect(scope.source).toBe('message');
    });
  });

  it('keeps its scope through timers, promises and awaits started inside it', async () => {
    const seen: boolean[] = [];
    await runWithScope({ zeroRetention: true }, async () => {
      await sleep(1);
      seen.push(isZeroRetention());
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(isZeroRetention());
          resolve();
        }, 1),
      );
      await Promise.resolve().then(() => seen.push(isZeroRetention()));
    });
    expect(seen).toEqual([true, true, true]);
  });

  it('isolates 1,000 interleaved scopes with random awaits and timers', async () => {
    const failures: string[] = [];
    const tasks = Array.from({ length: 1_000 }, (_, i) => {
      const zrm = i % 2 === 0;
      const id = `req-${i}`;
      return runWithScope({ zeroRetention: zrm, requestId: id, policy: quickRelease }, async () => {
        // no two canaries share a run of fragmentLength characters: an ordinary one is never a ZRM one's fragment
        const canary = `${i}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
        markSensitive(canary);
        for (let step = 0; step < 3; step++) {
          if (Math.random() < 0.5) await sleep(Math.floor(Math.random() * 3));
          else await new Promise((resolve) => setImmediate(resolve));
          const scope = currentScope();
          if (scope?.requestId !== id || scope.zeroRetention !== zrm)
            failures.push(`${id} lost its scope`);
          const line = scrubString(`value ${canary}`);
          if (zrm && line.includes(canary)) failures.push(`${id} leaked its canary`);
          if (!zrm && !line.includes(canary)) failures.push(`${id} over-redacted`);
        }
      });
    });
    await Promise.all(tasks);
    expect(failures).toEqual([]);
    await sleep(5);
    expect(inFlightTaintCount()).toBe(0);
  });

  it('runs a bound function in the scope it was bound in', () => {
    const fn = runWithScope({ zeroRetention: true, requestId: 'bound' }, () =>
      bindToScope(() => currentScope()?.requestId),
    );
    expect(fn()).toBe('bound');
    runWithScope({ zeroRetention: false, requestId: 'other' }, () => expect(fn()).toBe('bound'));
  });

  it('runs every listener of a bound emitter in the scope of the binding', () => {
    const emitter = new EventEmitter();
    const seen: (string | undefined)[] = [];
    emitter.on('data', () => seen.push(currentScope()?.requestId));
    runWithScope({ zeroRetention: true, requestId: 'em' }, () => bindEmitterToScope(emitter));
    emitter.emit('data');
    runWithScope({ zeroRetention: false, requestId: 'else' }, () => emitter.emit('data'));
    expect(seen).toEqual(['em', 'em']);
  });

  it('ends a runWithScope scope when its promise settles, even on rejection', async () => {
    let scope: ReturnType<typeof currentScope>;
    await expect(
      runWithScope({ zeroRetention: true }, async () => {
        scope = currentScope();
        await sleep(1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(scope?.ended).toBe(true);
    expect(() =>
      runWithScope({ zeroRetention: true }, () => {
        scope = currentScope();
        throw new Error('sync');
      }),
    ).toThrow('sync');
    expect(scope?.ended).toBe(true);
  });

  it('tells observers of every scope entering ZRM, in the context where it does, until undone', () => {
    const seen: [ZrmScope, ZrmScope | undefined][] = [];
    const undo = onZeroRetention((scope) => seen.push([scope, currentScope()]));
    const outer = createScope({ zeroRetention: false, requestId: 'outer' });
    const zrm = outer.run(() => createScope({ zeroRetention: true, requestId: 'zrm' }));
    outer.run(() => outer.tighten('policy'));
    createScope({ zeroRetention: false });
    undo();
    createScope({ zeroRetention: true });
    expect(seen.map(([scope, where]) => [scope.requestId, where?.requestId])).toEqual([
      ['zrm', 'outer'],
      ['outer', 'outer'],
    ]);
    expect(seen[0]![0]).toBe(zrm);
  });

  it('shares one store between two copies of the package', async () => {
    // the built copy and the source copy are two module instances
    const built = (await import('../dist/index.js')) as unknown as typeof core;
    runWithScope({ zeroRetention: true, requestId: 'shared' }, () => {
      expect(built.isZeroRetention()).toBe(true);
      expect(built.currentScope()?.requestId).toBe('shared');
    });
    built.runWithScope({ zeroRetention: true, requestId: 'other-copy' }, () => {
      expect(currentScope()?.requestId).toBe('other-copy');
    });
  });
});
