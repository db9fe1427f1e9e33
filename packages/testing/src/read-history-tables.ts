import { ZrmError } from '@zrm/core';
import { toChunks } from './haystack.js';
import type { CapturedChunk, CapturedSink, HistoryTablesOptions, Queryable } from './types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

function quoted(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

async function userTables(db: Queryable): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1, 2`,
  );
  return rows.map((row) => `${String(row.s)}.${String(row.t)}`).filter((name) => NAME.test(name));
}

/**
 * Dumps history tables as a sink: every row as JSON text, bytea columns as raw
 * bytes. Works with any client that has `query(text)` (pg, PGlite).
 */
export async function readHistoryTables(
  db: Queryable,
  options: HistoryTablesOptions = {},
): Promise<CapturedSink> {
  const maxRows = options.maxRows ?? 100_000;
  const tables = options.tables ?? (await userTables(db));
  const chunks: CapturedChunk[] = [];
  for (const table of tables) {
    if (!NAME.test(table))
      throw new TypeError('readHistoryTables: a table name must be `name` or `schema.name`.');
    const { rows } = await db.query(`SELECT * FROM ${quoted(table)} LIMIT ${maxRows}`);
    rows.forEach((row, i) => chunks.push(...toChunks(row, `${table}#${i}`)));
  }
  return { name: 'history-tables', chunks: () => chunks };
}

/** Connects with `pg` (an optional peer dependency), dumps the tables, disconnects. */
export async function readPostgresTables(
  connectionString: string,
  options: HistoryTablesOptions = {},
): Promise<CapturedSink> {
  const mod = await import('pg').catch(() => undefined);
  if (mod === undefined) {
    throw new ZrmError(
      'invalid_request',
      'Reading a Postgres history needs the optional "pg" package.',
      {
        param: 'postgresUrl',
      },
    );
  }
  const client = new mod.default.Client({ connectionString });
  await client.connect();
  try {
    return await readHistoryTables(client, options);
  } finally {
    await client.end();
  }
}
