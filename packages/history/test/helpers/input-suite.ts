import { describe, expect, it } from 'vitest';
import type { Backend } from './backends.js';
import { schemaText } from './backends.js';
import { canary } from './canary.js';
import { newStore } from './store-suite.js';

const INJECTIONS = [
  `' OR '1'='1`,
  `x'); DROP TABLE zrm_history_items; --`,
  `"; DELETE FROM zrm_history_items; --`,
  `%' OR owner LIKE '%`,
  `1 UNION SELECT * FROM pg_user`,
];

/** Bad input: clear `ZrmError`s that name the field, never the value, and never another tenant's data. */
export function defineInputSuite(backend: () => Backend): void {
  describe('bad input', () => {
    it('treats SQL-injection-shaped owners as plain data, isolated from other tenants', async () => {
      const { store, schema } = newStore(backend());
      const victim = canary('victim');
      const victimId = await store.record({ owner: 'victim', text: victim });
      for (const owner of INJECTIONS) {
        const id = await store.record({ owner, text: `mine:${owner}` });
        expect((await store.get(owner, id!)).owner).toBe(owner);
        const page = await store.list(owner);
        expect(page.items.map((x) => x.text)).toEqual([`mine:${owner}`]);
        await expect(store.get(owner, victimId!)).rejects.toMatchObject({ code: 'not_found' });
        expect(await store.deleteOwner(owner)).toBe(1);
      }
      expect((await store.get('victim', victimId!)).text).toBe(victim);
      expect(await schemaText(backend(), schema)).toContain(victim);
    });

    it('rejects SQL-injection-shaped and malformed ids with invalid_request naming only the field', async () => {
      const { store } = newStore(backend());
      const secret = canary('id');
      await store.record({ owner: 'o', text: secret });
      for (const id of [...INJECTIONS, '', 'not-a-uuid', `${secret}`, 42, null]) {
        for (const call of [
          () => store.get('o', id as string),
          () => store.delete('o', id as string),
        ]) {
          const error = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toMatchObject({
            name: 'ZrmError',
            code: 'invalid_request',
            status: 400,
            param: 'id',
          });
          expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain(
            String(id) || '\u0000',
          );
        }
      }
      expect((await store.list('o')).items).toHaveLength(1);
    });

    it('gives unknown ids the same not_found whether the item is missing or another tenant\u2019s', async () => {
      const { store } = newStore(backend());
      const foreign = await store.record({ owner: 'b', text: canary('foreign') });
      const missing = '00000000-0000-4000-8000-000000000000';
      const errors = await Promise.all(
        [missing, foreign!].map((id) =>
          store.get('a', id).then(
            () => undefined,
            (e: { toJSON(): unknown }) => e.toJSON(),
          ),
        ),
      );
      expect(errors[0]).toEqual({
        error: { code: 'not_found', message: 'No such history item.', param: 'id' },
      });
      expect(errors[1]).toEqual(errors[0]);
    });

    it('rejects empty, oversized and control-character owners before any statement', async () => {
      const { store } = newStore(backend());
      for (const owner of ['', 'x'.repeat(257), 'a\u0000b', 'line\nbreak', undefined, 7]) {
        await expect(store.list(owner as string)).rejects.toMatchObject({
          code: 'invalid_request',
          param: 'owner',
        });
        await expect(store.deleteOwner(owner as string)).rejects.toMatchObject({ param: 'owner' });
      }
    });

    it('rejects negative, zero, fractional, huge and non-numeric limits', async () => {
      const { store } = newStore(backend());
      for (const limit of [-1, 0, 1.5, 1001, 1e9, Number.NaN, Infinity, '10']) {
        await expect(store.list('o', { limit: limit as number })).rejects.toMatchObject({
          code: 'invalid_request',
          param: 'limit',
        });
      }
      await store.record({ owner: 'o', text: 'x' });
      expect((await store.list('o', { limit: 1000 })).items).toHaveLength(1);
    });

    it('rejects forged, tampered, malformed and foreign cursors with one content-free error', async () => {
      const { store } = newStore(backend());
      for (let i = 0; i < 3; i++) {
        await store.record({ owner: 'alice', text: `a${i}` });
        await store.record({ owner: 'bob', text: canary(`bob${i}`) });
      }
      const alice = await store.list('alice', { limit: 1 });
      const cursor = alice.nextCursor!;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      // the cursor is encrypted: it does not show the position
      expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/^\d+$/);
      const raw = Buffer.from(cursor, 'base64url');
      raw[14] = raw[14]! ^ 1;
      const forged = [
        raw.toString('base64url'),
        Buffer.from('5').toString('base64url'),
        `${cursor}x`,
        cursor.slice(0, -2),
        `' OR 1=1 --`,
        'A'.repeat(500),
        '',
        42,
      ];
      const expected = {
        code: 'invalid_request',
        status: 400,
        param: 'cursor',
        message: 'The cursor is not valid for this list.',
      };
      for (const bad of forged) {
        await expect(store.list('alice', { cursor: bad as string })).rejects.toMatchObject(
          expected,
        );
      }
      // alice's cursor is useless to bob: same error as a forged one, nothing of alice's revealed
      await expect(store.list('bob', { cursor })).rejects.toMatchObject(expected);
      const next = await store.list('alice', { cursor, limit: 5 });
      expect(next.items.map((x) => x.text)).toEqual(['a1', 'a0']);
    });

    it('rejects invalid filters and options naming the field', async () => {
      const { store } = newStore(backend());
      await expect(store.list('o', { filters: { since: new Date('x') } })).rejects.toMatchObject({
        param: 'filters.since',
      });
      await expect(store.list('o', { filters: { voiceId: '' } })).rejects.toMatchObject({
        param: 'filters.voiceId',
      });
      await expect(store.list('o', null as never)).rejects.toMatchObject({ param: 'options' });
    });
  });
}
