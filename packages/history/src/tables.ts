/** Fully qualified, quoted names of the store's tables in one schema. */
export interface Tables {
  readonly schema: string;
  readonly items: string;
  readonly migrations: string;
  readonly meta: string;
  /** Second key of the migration advisory lock, derived from the schema name. */
  readonly lockKey: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function tablesIn(schema: string): Tables {
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema)) {
    throw new TypeError(
      'PostgresHistoryStore: schema must be a lower-case SQL identifier (a-z, 0-9, _)',
    );
  }
  const q = `"${schema}"`;
  let lockKey = 0;
  for (let i = 0; i < schema.length; i++)
    lockKey = (Math.imul(lockKey, 31) + schema.charCodeAt(i)) | 0;
  return {
    schema,
    items: `${q}.zrm_history_items`,
    migrations: `${q}.zrm_history_migrations`,
    meta: `${q}.zrm_history_meta`,
    lockKey,
  };
}
