import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEmbeddedHistory, type EmbeddedHistoryStore, type HistoryDatabase } from '@zrm/history';

/** A real database the suite runs against, and raw SQL access to inspect what it holds. */
export interface Backend {
  readonly name: string;
  /** The real driver the store under test is given. */
  readonly db: HistoryDatabase;
  /** Runs SQL outside any store, to look at what the database actually holds. */
  raw(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  /** A schema name unique to this test run (dropped by `close`). */
  newSchema(): string;
  /** Where an embedded database keeps its files. */
  readonly dataDir?: string;
  /** Closes the connection; drops what this run made unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

const RUN = `${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;

function schemaNamer(prefix: string): { next(): string; all: string[] } {
  const all: string[] = [];
  return {
    next() {
      const name = `zrm_t_${prefix}_${RUN}_${all.length}`;
      all.push(name);
      return name;
    },
    all,
  };
}

/** PGlite on disk, opened through `openEmbeddedHistory` (its database is reused for every schema). */
export async function openPGliteBackend(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'zrm-history-'));
  const embedded: EmbeddedHistoryStore = await openEmbeddedHistory({
    dataDir: dir,
    schema: `zrm_t_boot_${RUN}`,
  });
  const db = embedded.db;
  const names = schemaNamer('lite');
  return {
    name: 'PGlite',
    db,
    dataDir: dir,
    async raw(text, values) {
      return (await db.query<Record<string, unknown>>(text, values)).rows;
    },
    newSchema: () => names.next(),
    async close(options) {
      await embedded.close();
      if (options?.keepData !== true) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A real PostgreSQL server through a `pg` Pool; every schema this run made is dropped on close. */
export function openPostgresBackend(url: string): Backend {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on('error', () => undefined);
  const names = schemaNamer('pg');
  return {
    name: 'PostgreSQL server',
    db: pool,
    async raw(text, values) {
      return (await pool.query<Record<string, unknown>>(text, values)).rows;
    },
    newSchema: () => names.next(),
    async close() {
      for (const schema of names.all) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** Every row of every table in `schema`, rendered as text (bytea as hex, jsonb as JSON). */
export async function schemaText(backend: Backend, schema: string): Promise<string> {
  const tables = await backend.raw(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  let text = '';
  for (const { table_name } of tables) {
    const rows = await backend.raw(
      `SELECT t::text AS row FROM "${schema}"."${String(table_name)}" t`,
    );
    for (const { row } of rows) text += `${String(row)}\n`;
  }
  return text;
}
