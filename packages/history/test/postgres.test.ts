import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithScope } from '@zrm/core';
import { PostgresHistoryStore, guardHistory } from '@zrm/history';
import { canary } from './helpers/canary.js';
import { withStatementLog } from './helpers/statement-log.js';
import { openPostgresBackend, type Backend } from './helpers/backends.js';
import { defineHistorySuite } from './helpers/define-all.js';

const url = process.env.ZRM_TEST_PG_URL;
const required = process.env.ZRM_TEST_REQUIRE_PG === '1';

if (url === undefined || url === '') {
  if (required) {
    describe('history on a PostgreSQL server', () => {
      it('has a server to run against', () => {
        throw new Error(
          'ZRM_TEST_REQUIRE_PG=1 but ZRM_TEST_PG_URL is not set: the PostgreSQL history suite cannot run.',
        );
      });
    });
  } else {
    console.warn(
      '[@zrm/history] ZRM_TEST_PG_URL is not set: SKIPPING the PostgreSQL server suite ' +
        '(set it, e.g. postgres://zrm:zrm@127.0.0.1:5432/zrm_test, to run it; CI sets ZRM_TEST_REQUIRE_PG=1).',
    );
    describe.skip('history on a PostgreSQL server (ZRM_TEST_PG_URL not set)', () => {
      it.skip('needs ZRM_TEST_PG_URL', () => undefined);
    });
  }
} else {
  describe('history on a PostgreSQL server', () => {
    let backend: Backend | undefined;
    beforeAll(() => {
      backend = openPostgresBackend(url);
    });
    afterAll(async () => {
      await backend?.close();
    });
    defineHistorySuite(() => backend!);

    it('works over a single pg Client too: migrations in its own transaction, then reads and writes', async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const schema = backend!.newSchema();
      try {
        const { db, log } = withStatementLog(client);
        const store = new PostgresHistoryStore(db, { schema });
        const text = canary('client');
        const id = await store.record({ owner: 'o', text });
        expect((await store.get('o', id!)).text).toBe(text);
        expect(log[0]?.text).toBe('BEGIN');
        expect(log.some((s) => s.text === 'COMMIT')).toBe(true);
        await expect(
          runWithScope({ zeroRetention: true }, () => guardHistory(store).list('o')),
        ).rejects.toMatchObject({ code: 'zero_retention_unavailable' });
      } finally {
        await client.end();
      }
    });
  });
}
