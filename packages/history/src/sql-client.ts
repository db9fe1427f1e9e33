import { ZrmError, isZeroRetention } from '@zrm/core';
import type { HistoryDatabase, PGliteLike, PgClientLike, PgPoolLike, SqlResult } from './types.js';

export interface SqlRunner {
  query(text: string, values?: unknown[]): Promise<SqlResult>;
}

/** One interface over the three drivers; refuses every statement from a ZRM scope (fail closed). */
export interface SqlClient extends SqlRunner {
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

function isPool(db: HistoryDatabase): db is PgPoolLike {
  return (
    typeof (db as PgPoolLike).connect === 'function' &&
    typeof (db as PgPoolLike).totalCount === 'number'
  );
}

function isPGlite(db: HistoryDatabase): db is PGliteLike {
  return (
    typeof (db as PGliteLike).transaction === 'function' &&
    typeof (db as PGliteLike).exec === 'function'
  );
}

function assertOrdinaryScope(): void {
  if (isZeroRetention()) {
    throw new ZrmError(
      'zero_retention_storage_not_allowed',
      'A Zero Retention Mode request cannot use the history store.',
    );
  }
}

type Query = (text: string, values?: unknown[]) => Promise<SqlResult>;

function guarded(run: Query): Query {
  return (text, values) => {
    assertOrdinaryScope();
    return run(text, values);
  };
}

export function createSqlClient(db: HistoryDatabase): SqlClient {
  if (typeof db !== 'object' || db === null || typeof db.query !== 'function') {
    throw new TypeError(
      'PostgresHistoryStore: expected a pg Pool, a pg Client or a PGlite instance',
    );
  }
  const query = guarded((text, values) => db.query(text, values));
  if (isPGlite(db)) {
    return {
      query,
      transaction: (fn) => {
        assertOrdinaryScope();
        return db.transaction((tx) =>
          fn({ query: guarded((text, values) => tx.query(text, values)) }),
        );
      },
    };
  }
  if (isPool(db)) {
    return {
      query,
      async transaction(fn) {
        assertOrdinaryScope();
        const client = await db.connect();
        const runner = { query: guarded((text, values) => client.query(text, values)) };
        return runTransaction(runner, fn).finally(() => client.release());
      },
    };
  }
  const client: PgClientLike = db;
  return {
    query,
    transaction: (fn) => {
      assertOrdinaryScope();
      return runTransaction({ query: guarded((text, values) => client.query(text, values)) }, fn);
    },
  };
}

async function runTransaction<T>(runner: SqlRunner, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
  await runner.query('BEGIN');
  try {
    const result = await fn(runner);
    await runner.query('COMMIT');
    return result;
  } catch (error) {
    await runner.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
