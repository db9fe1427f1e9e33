import { describe, expect, it } from 'vitest';
import { runWithScope } from '@zrm/core';
import { guardHistory, openEmbeddedHistory } from '@zrm/history';
import { canary } from './helpers/canary.js';

// booting PostgreSQL in WebAssembly takes seconds, more on a loaded machine
const BOOT_TIMEOUT = 180_000;

describe('openEmbeddedHistory', () => {
  it(
    'opens a migrated in-memory store whose guarded form keeps close() and writes nothing in ZRM',
    async () => {
      const history = guardHistory(await openEmbeddedHistory());
      try {
        const text = canary('memory');
        const id = await history.record({ owner: 'o', text });
        expect((await history.get('o', id!)).text).toBe(text);
        const secret = canary('memory-zrm');
        await runWithScope({ zeroRetention: true }, () =>
          history.record({ owner: 'o', text: secret }),
        );
        const rows = await history.db.query<{ row: string }>(
          'SELECT t::text AS row FROM zrm_history_items t',
        );
        expect(rows.rows.map((r) => r.row).join('\n')).toContain(text);
        expect(rows.rows.map((r) => r.row).join('\n')).not.toContain(secret);
      } finally {
        await history.close();
      }
      expect(history.db.closed).toBe(true);
      await history.close();
    },
    BOOT_TIMEOUT,
  );

  it('rejects bad options with a clear TypeError', async () => {
    await expect(openEmbeddedHistory({ dataDir: '' })).rejects.toThrow(
      /dataDir must be a directory path/,
    );
    await expect(openEmbeddedHistory({ schema: 'Bad-Name; DROP' })).rejects.toThrow(
      /schema must be a lower-case SQL identifier/,
    );
  });
});
