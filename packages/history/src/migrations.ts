import { randomBytes } from 'node:crypto';
import type { SqlClient } from './sql-client.js';
import type { Tables } from './tables.js';

interface Migration {
  version: number;
  statements: (t: Tables) => string[];
}

/** Versioned schema changes, applied in order, each once. Append; never edit a released one. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: (t) => [
      `CREATE TABLE ${t.items} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        owner text NOT NULL,
        request_id text,
        voice_id text,
        model_id text,
        text text,
        audio bytea,
        metadata jsonb,
        created_at timestamptz NOT NULL,
        expires_at timestamptz
      )`,
      `CREATE INDEX zrm_history_items_owner_seq ON ${t.items} (owner, seq DESC)`,
      `CREATE INDEX zrm_history_items_expires ON ${t.items} (expires_at) WHERE expires_at IS NOT NULL`,
      `CREATE TABLE ${t.meta} (key text PRIMARY KEY, value bytea NOT NULL)`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Magic first key of the advisory lock that serialises migrations across processes. */
const LOCK_NAMESPACE = 0x7a726d; // "zrm"

/**
 * Brings the schema to the latest version inside one transaction, under an
 * advisory lock, so concurrent processes apply each migration exactly once.
 * Returns the key that signs cursors (created once, shared by every process).
 */
export async function migrate(sql: SqlClient, t: Tables): Promise<Buffer> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, t.lockKey]);
    const schema = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [t.schema]);
    // only when missing: an existing schema (public) needs no CREATE privilege on the database
    if (schema.rows.length === 0) await tx.query(`CREATE SCHEMA "${t.schema}"`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await tx.query(`SELECT version FROM ${t.migrations}`);
    const applied = new Set(done.rows.map((row) => Number(row.version)));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(t)) await tx.query(statement);
      await tx.query(`INSERT INTO ${t.migrations} (version) VALUES ($1)`, [migration.version]);
    }
    await tx.query(
      `INSERT INTO ${t.meta} (key, value) VALUES ('cursor_key', $1) ON CONFLICT (key) DO NOTHING`,
      [randomBytes(32)],
    );
    const key = await tx.query(`SELECT value FROM ${t.meta} WHERE key = 'cursor_key'`);
    const value = key.rows[0]?.value;
    if (!(value instanceof Uint8Array) || value.byteLength !== 32)
      throw new Error('history: cursor key missing');
    return Buffer.from(value);
  });
}
