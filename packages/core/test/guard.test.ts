import { describe, expect, it, vi } from 'vitest';
import {
  ZrmError,
  assertProviderAllowed,
  currentScope,
  definePolicy,
  guardWrite,
  runWithScope,
} from '@zrm/core';

describe('guardWrite', () => {
  it('does not write in ZRM, returns undefined and counts a blocked write', () => {
    const rows: string[] = [];
    const onRedaction = vi.fn();
    const write = guardWrite((row: string) => rows.push(row), { sink: 'history' });
    const counters = runWithScope(
      { zeroRetention: true, policy: definePolicy({ onRedaction }) },
      () => {
        expect(write('CANARY-zrm-row')).toBeUndefined();
        return currentScope()!.counters;
      },
    );
    expect(rows).toEqual([]);
    expect(counters.blockedWrites).toBe(1);
    expect(onRedaction).toHaveBeenCalledWith({
      kind: 'blocked-write',
      count: 1,
      sink: 'history',
      requestId: undefined,
    });
  });

  it('writes unchanged in ordinary scopes and outside any scope, keeping this', () => {
    const sink = { rows: [] as string[] };
    function push(this: typeof sink, row: string): number {
      return this.rows.push(row);
    }
    const write = guardWrite(push, { sink: 'history' });
    runWithScope({ zeroRetention: false }, () => expect(write.call(sink, 'a')).toBe(1));
    expect(write.call(sink, 'b')).toBe(2);
    expect(sink.rows).toEqual(['a', 'b']);
  });

  it('rejects a non-function', () => {
    expect(() => guardWrite('x' as unknown as () => void, { sink: 's' })).toThrow(TypeError);
  });

  it('blocks a write even when the metrics hook throws', () => {
    const rows: number[] = [];
    const policy = definePolicy({
      onRedaction: () => {
        throw new Error('metrics down');
      },
    });
    const write = guardWrite((n: number) => rows.push(n), { sink: 'file' });
    runWithScope({ zeroRetention: true, policy }, () => expect(write(1)).toBeUndefined());
    expect(rows).toEqual([]);
  });
});

describe('assertProviderAllowed', () => {
  const policy = definePolicy({ providers: ['gemini', 'Claude'] });

  it('throws zero_retention_provider_not_allowed for a provider not on the ZRM allow-list', () => {
    runWithScope({ zeroRetention: true, policy }, () => {
      let caught: unknown;
      try {
        assertProviderAllowed('some-llm');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ZrmError);
      expect((caught as ZrmError).code).toBe('zero_retention_provider_not_allowed');
      expect((caught as ZrmError).status).toBe(403);
    });
  });

  it('allows listed providers in ZRM and every provider outside ZRM', () => {
    runWithScope({ zeroRetention: true, policy }, () => {
      expect(() => assertProviderAllowed('claude')).not.toThrow();
      expect(() => assertProviderAllowed('GEMINI')).not.toThrow();
    });
    runWithScope({ zeroRetention: false, policy }, () =>
      expect(() => assertProviderAllowed('some-llm')).not.toThrow(),
    );
    expect(() => assertProviderAllowed('some-llm')).not.toThrow();
  });
});
