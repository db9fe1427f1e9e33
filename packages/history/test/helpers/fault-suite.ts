import { describe, expect, it } from 'vitest';
import type { Backend } from './backends.js';
import { schemaText } from './backends.js';
import { canary } from './canary.js';
import { newStore } from './store-suite.js';

/** A write that the database rejects: the request goes on, the report carries no content, no row is left. */
export function defineFaultSuite(backend: () => Backend): void {
  describe('faults', () => {
    it('a write the database rejects resolves undefined, is reported without content and leaves no partial row', async () => {
      const { store, schema, faults } = newStore(backend());
      await store.migrate();
      const secret = canary('fault');
      // jsonb cannot hold \u0000: the server quotes the offending JSON in its error context
      const badJson = await store.record({
        owner: 'o',
        requestId: 'req-bad',
        text: secret,
        metadata: { note: `\u0000${secret}` },
      });
      // text cannot hold NUL bytes either
      const badText = await store.record({ owner: 'o', text: `${secret}\u0000` });
      expect(badJson).toBeUndefined();
      expect(badText).toBeUndefined();
      expect(faults).toHaveLength(2);
      expect(faults[0]).toMatchObject({ operation: 'record', requestId: 'req-bad' });
      for (const fault of faults as { code: string; message: string }[]) {
        expect(fault.code).toMatch(/^(22P05|22021|unknown)$/);
        expect(fault.message).toBe(`History record failed (${fault.code}).`);
      }
      expect(JSON.stringify(faults)).not.toContain(secret);
      expect(await schemaText(backend(), schema)).not.toContain(secret);
      expect((await store.list('o')).items).toEqual([]);
    });

    it('an invalid item is reported as invalid_request naming the field, and nothing is written', async () => {
      const { store, faults } = newStore(backend());
      const secret = canary('invalid');
      const cyclic: Record<string, unknown> = { secret };
      cyclic.self = cyclic;
      const results = await Promise.all([
        store.record({ owner: '', text: secret }),
        store.record({ owner: 'o', text: 42 as unknown as string }),
        store.record({ owner: 'o', metadata: cyclic }),
        store.record({ owner: 'o', audio: secret as unknown as Uint8Array }),
        store.record({ owner: 'o', ttlMs: -5 }),
        store.record(null as never),
      ]);
      expect(results).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
      expect(faults).toEqual(
        Array.from({ length: 6 }, () => ({
          operation: 'record',
          code: 'invalid_request',
          message: 'History record failed (invalid_request).',
        })),
      );
      expect(JSON.stringify(faults)).not.toContain(secret);
      expect((await store.list('o')).items).toEqual([]);
    });

    it('a throwing fault hook does not reach the caller', async () => {
      const { store } = newStore(backend(), {
        onFault: () => {
          throw new Error('hook failed');
        },
      });
      await expect(store.record({ owner: '' })).resolves.toBeUndefined();
    });
  });
}
