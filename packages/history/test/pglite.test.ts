import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresHistoryStore, openEmbeddedHistory } from '@zrm/history';
import { openPGliteBackend, type Backend } from './helpers/backends.js';
import { canary } from './helpers/canary.js';
import { defineHistorySuite } from './helpers/define-all.js';

// booting PostgreSQL in WebAssembly takes seconds, more on a loaded machine
const BOOT_TIMEOUT = 180_000;

describe('history on embedded PGlite (on disk)', () => {
  let backend: Backend | undefined;
  beforeAll(async () => {
    backend = await openPGliteBackend();
  }, BOOT_TIMEOUT);
  afterAll(async () => {
    await backend?.close();
  });
  defineHistorySuite(() => backend!);

  it(
    'keeps items in dataDir across a close and a reopen, and deleted items stay deleted',
    async () => {
      const dir = backend!.dataDir!;
      const schema = backend!.newSchema();
      const store = new PostgresHistoryStore(backend!.db, { schema });
      const kept = await store.record({ owner: 'o', text: 'kept' });
      const gone = await store.record({ owner: 'o', text: canary('gone') });
      await store.delete('o', gone!);
      await backend!.close({ keepData: true });
      backend = undefined;
      const reopened = await openEmbeddedHistory({ dataDir: dir, schema });
      try {
        expect((await reopened.list('o')).items.map((x) => x.id)).toEqual([kept]);
        expect(await reopened.migrate()).toBe(1);
      } finally {
        await reopened.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
    BOOT_TIMEOUT,
  );
});
