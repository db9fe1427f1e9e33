import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PostgresHistoryStore, type PostgresHistoryOptions } from '@zrm/history';
import type { Backend } from './backends.js';
import { schemaText } from './backends.js';
import { audioCanary, canary } from './canary.js';

export function newStore(backend: Backend, options: PostgresHistoryOptions = {}) {
  const schema = backend.newSchema();
  const faults: unknown[] = [];
  const store = new PostgresHistoryStore(backend.db, {
    schema,
    onFault: (f) => faults.push(f),
    ...options,
  });
  return { store, schema, faults };
}

/** Storage guarantees of `PostgresHistoryStore`, run against one real backend. */
export function defineStoreSuite(backend: () => Backend): void {
  describe('storage', () => {
    it('keeps an ordinary item complete: text as text, audio as bytea, metadata as JSON', async () => {
      const { store, schema, faults } = newStore(backend());
      const text = canary('ordinary-text');
      const audio = audioCanary();
      const id = await store.record({
        owner: 'tenant-a',
        requestId: 'req-1',
        text,
        audio,
        voiceId: 'voice-1',
        modelId: 'model-1',
        metadata: { chars: text.length, nested: { ok: true } },
      });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const item = await store.get('tenant-a', id!);
      expect(item).toMatchObject({
        id,
        owner: 'tenant-a',
        requestId: 'req-1',
        text,
        voiceId: 'voice-1',
        modelId: 'model-1',
        metadata: { chars: text.length, nested: { ok: true } },
      });
      expect(Buffer.from(item.audio!).equals(audio)).toBe(true);
      expect(item.createdAt).toBeInstanceOf(Date);
      const types = await backend().raw(
        `SELECT column_name, data_type FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = 'zrm_history_items' AND column_name IN ('text', 'audio', 'metadata')
          ORDER BY column_name`,
        [schema],
      );
      expect(types).toEqual([
        { column_name: 'audio', data_type: 'bytea' },
        { column_name: 'metadata', data_type: 'jsonb' },
        { column_name: 'text', data_type: 'text' },
      ]);
      const dump = await schemaText(backend(), schema);
      for (const needle of [text, audio.toString('hex')]) expect(dump).toContain(needle);
      expect(faults).toEqual([]);
    });

    it('applies each migration once, also when two stores migrate the same schema at the same time', async () => {
      const { store, schema } = newStore(backend());
      const twin = new PostgresHistoryStore(backend().db, { schema });
      const versions = await Promise.all([store.migrate(), twin.migrate(), store.migrate()]);
      expect(versions).toEqual([1, 1, 1]);
      expect(await twin.migrate()).toBe(1);
      const rows = await backend().raw(`SELECT version FROM "${schema}".zrm_history_migrations`);
      expect(rows).toEqual([{ version: 1 }]);
      // a cursor made by one store is valid for the other: they share the schema's key
      for (let i = 0; i < 3; i++) await store.record({ owner: 'o', text: `t${i}` });
      const page = await store.list('o', { limit: 2 });
      const rest = await twin.list('o', { cursor: page.nextCursor, limit: 2 });
      expect(rest.items.map((x) => x.text)).toEqual(['t0']);
    });

    it('rolls a failed migration back completely and retries it on the next call', async () => {
      const { store, schema, faults } = newStore(backend());
      await backend().raw(`CREATE SCHEMA "${schema}"`);
      await backend().raw(`CREATE TABLE "${schema}".zrm_history_items (x int)`);
      await expect(store.migrate()).rejects.toMatchObject({ code: '42P07' });
      expect(faults).toEqual([
        { operation: 'migrate', code: '42P07', message: 'History migrate failed (42P07).' },
      ]);
      // the migrations table made in the same transaction is gone too
      const tables = await backend().raw(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
        [schema],
      );
      expect(tables).toEqual([{ table_name: 'zrm_history_items' }]);
      await backend().raw(`DROP TABLE "${schema}".zrm_history_items`);
      expect(await store.migrate()).toBe(1);
      expect(await store.record({ owner: 'o', text: 'after retry' })).toBeDefined();
    });

    it('never returns, lists or deletes another tenant\u2019s item', async () => {
      const { store } = newStore(backend());
      const secret = canary('tenant-b');
      const idB = await store.record({ owner: 'tenant-b', text: secret });
      const idA = await store.record({ owner: 'tenant-a', text: 'a-text' });
      await expect(store.get('tenant-a', idB!)).rejects.toMatchObject({
        code: 'not_found',
        status: 404,
      });
      await expect(store.delete('tenant-a', idB!)).rejects.toMatchObject({ code: 'not_found' });
      const page = await store.list('tenant-a');
      expect(page.items.map((x) => x.id)).toEqual([idA]);
      expect(JSON.stringify(page)).not.toContain(secret);
      expect(await store.deleteOwner('tenant-a')).toBe(1);
      expect((await store.get('tenant-b', idB!)).text).toBe(secret);
    });

    it('deletes the row itself at once, not a flag', async () => {
      const { store, schema } = newStore(backend());
      const text = canary('deleted');
      const id = await store.record({ owner: 'o', text, audio: audioCanary() });
      const keep = await store.record({ owner: 'o', text: 'kept' });
      await store.delete('o', id!);
      const rows = await backend().raw(
        `SELECT count(*)::int AS n FROM "${schema}".zrm_history_items WHERE id = $1`,
        [id],
      );
      expect(rows).toEqual([{ n: 0 }]);
      expect(await schemaText(backend(), schema)).not.toContain(text);
      await expect(store.get('o', id!)).rejects.toMatchObject({ code: 'not_found' });
      await expect(store.delete('o', id!)).rejects.toMatchObject({ code: 'not_found' });
      expect((await store.get('o', keep!)).text).toBe('kept');
    });

    it('account deletion leaves nothing of the owner in any table', async () => {
      const { store, schema } = newStore(backend());
      const owner = `acct-${randomUUID()}`;
      const texts = Array.from({ length: 25 }, (_, i) => canary(`acct-${i}`));
      const audio = audioCanary();
      for (const text of texts) await store.record({ owner, text, audio, metadata: { text } });
      await store.record({ owner: 'other', text: 'other-text' });
      expect(await store.deleteOwner(owner)).toBe(25);
      const dump = await schemaText(backend(), schema);
      for (const needle of [owner, audio.toString('hex'), ...texts])
        expect(dump).not.toContain(needle);
      expect(dump).toContain('other-text');
      expect((await store.list(owner)).items).toEqual([]);
      expect(await store.deleteOwner(owner)).toBe(0);
    });

    it('hides expired items at once and purgeExpired removes their rows', async () => {
      let now = new Date('2030-01-01T00:00:00Z');
      const { store, schema } = newStore(backend(), { ttlMs: 60_000, now: () => now });
      const short = await store.record({ owner: 'o', text: canary('short'), ttlMs: 1_000 });
      const normal = await store.record({ owner: 'o', text: 'normal' });
      const forever = await store.record({ owner: 'o', text: 'forever', ttlMs: null });
      expect((await store.get('o', short!)).expiresAt).toEqual(new Date('2030-01-01T00:00:01Z'));
      now = new Date('2030-01-01T00:00:30Z');
      await expect(store.get('o', short!)).rejects.toMatchObject({ code: 'not_found' });
      expect((await store.list('o')).items.map((x) => x.id)).toEqual([forever, normal]);
      expect(await store.purgeExpired()).toBe(1);
      expect(await store.purgeExpired(new Date('2030-01-01T00:01:00Z'))).toBe(1);
      const rows = await backend().raw(`SELECT id::text AS id FROM "${schema}".zrm_history_items`);
      expect(rows).toEqual([{ id: forever }]);
      await expect(store.purgeExpired(new Date('nope'))).rejects.toMatchObject({
        code: 'invalid_request',
      });
    });

    it('pages through 10,000 items newest first without duplicates or gaps', async () => {
      const { store, schema } = newStore(backend());
      await store.migrate();
      // bulk-load with one statement (the list under test is what matters here), plus a second owner
      await backend().raw(
        `INSERT INTO "${schema}".zrm_history_items (id, owner, text, created_at)
          SELECT gen_random_uuid(), CASE WHEN i % 3 = 0 THEN 'noise' ELSE 'pager' END, 'item-' || i, now()
          FROM generate_series(1, 15000) AS i`,
      );
      const expected = (
        await backend().raw(
          `SELECT count(*)::int AS n FROM "${schema}".zrm_history_items WHERE owner = 'pager'`,
        )
      )[0]!.n;
      expect(expected).toBe(10_000);
      const seen = new Set<string>();
      let previous = Number.POSITIVE_INFINITY;
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list('pager', { cursor, limit: 997 });
        for (const item of page.items) {
          expect(seen.has(item.id)).toBe(false);
          seen.add(item.id);
          const n = Number(item.text!.slice(5));
          expect(n).toBeLessThan(previous);
          previous = n;
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 50);
      expect(seen.size).toBe(10_000);
      expect(pages).toBe(11);
    });

    it('keeps every item from 200 concurrent writers', async () => {
      const { store, faults } = newStore(backend());
      await store.migrate();
      const ids = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.record({ owner: `w${i % 4}`, text: `c-${i}` })),
      );
      expect(new Set(ids).size).toBe(200);
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
      let total = 0;
      for (let w = 0; w < 4; w++) {
        const page = await store.list(`w${w}`, { limit: 1000 });
        total += page.items.length;
        expect(page.items.every((x) => Number(x.text!.slice(2)) % 4 === w)).toBe(true);
      }
      expect(total).toBe(200);
      expect(faults).toEqual([]);
    });

    it('filters a listing by request id, voice, model and creation time', async () => {
      let now = new Date('2031-05-01T00:00:00Z');
      const { store } = newStore(backend(), { now: () => now });
      await store.record({
        owner: 'o',
        requestId: 'r1',
        voiceId: 'v1',
        modelId: 'm1',
        text: 'one',
      });
      now = new Date('2031-05-02T00:00:00Z');
      await store.record({
        owner: 'o',
        requestId: 'r2',
        voiceId: 'v1',
        modelId: 'm2',
        text: 'two',
      });
      await store.record({
        owner: 'p',
        requestId: 'r2',
        voiceId: 'v1',
        modelId: 'm2',
        text: 'foreign',
      });
      const texts = async (filters: object) =>
        (await store.list('o', { filters })).items.map((x) => x.text);
      expect(await texts({ requestId: 'r2' })).toEqual(['two']);
      expect(await texts({ voiceId: 'v1' })).toEqual(['two', 'one']);
      expect(await texts({ modelId: 'm1' })).toEqual(['one']);
      expect(await texts({ since: new Date('2031-05-01T12:00:00Z') })).toEqual(['two']);
      expect(await texts({ until: new Date('2031-05-01T12:00:00Z') })).toEqual(['one']);
    });

    it('reads audio back as the same bytes for ArrayBuffer and typed-array input', async () => {
      const { store } = newStore(backend());
      const bytes = audioCanary();
      const fromArrayBuffer = await store.record({
        owner: 'o',
        audio: new Uint8Array(bytes).buffer,
      });
      const fromView = await store.record({ owner: 'o', audio: new Uint8Array(bytes) });
      for (const id of [fromArrayBuffer, fromView]) {
        expect(Buffer.from((await store.get('o', id!)).audio!).equals(bytes)).toBe(true);
      }
    });
  });
}
