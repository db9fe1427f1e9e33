import type { PGlite } from '@electric-sql/pglite';
import { PostgresHistoryStore } from './postgres-store.js';
import { tablesIn } from './tables.js';
import type { EmbeddedHistoryOptions } from './types.js';

/** A history store on its own PGlite database; `close()` shuts the database down. */
export class EmbeddedHistoryStore extends PostgresHistoryStore {
  readonly db: PGlite;
  #closed: Promise<void> | undefined;

  constructor(db: PGlite, options: EmbeddedHistoryOptions = {}) {
    super(db, options);
    this.db = db;
  }

  close(): Promise<void> {
    this.#closed ??= this.db.closed ? Promise.resolve() : this.db.close();
    return this.#closed;
  }
}

/**
 * Opens request history on embedded PostgreSQL (PGlite): in memory, or in
 * `dataDir` when given. Migrated and ready when the promise resolves.
 */
export async function openEmbeddedHistory(
  options: EmbeddedHistoryOptions = {},
): Promise<EmbeddedHistoryStore> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('openEmbeddedHistory: options must be an object');
  }
  const { dataDir, ...storeOptions } = options;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.length === 0)) {
    throw new TypeError('openEmbeddedHistory: dataDir must be a directory path');
  }
  tablesIn(storeOptions.schema ?? 'public'); // a bad schema name fails before the database boots
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir);
  try {
    const store = new EmbeddedHistoryStore(db, storeOptions);
    await store.migrate();
    return store;
  } catch (error) {
    await db.close();
    throw error;
  }
}
