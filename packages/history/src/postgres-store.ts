import { randomUUID } from 'node:crypto';
import { ZrmError, isZeroRetention } from '@zrm/core';
import { decodeCursor, encodeCursor } from './cursor.js';
import { reportFault, toFault } from './fault.js';
import { SCHEMA_VERSION, migrate } from './migrations.js';
import { ITEM_COLUMNS, toItem } from './rows.js';
import { createSqlClient, type SqlClient } from './sql-client.js';
import { tablesIn, type Tables } from './tables.js';
import { carriesTaint, countCrossContextBlock } from './tainted-item.js';
import type {
  HistoryDatabase,
  HistoryFault,
  HistoryItem,
  HistoryPage,
  HistoryStore,
  ListOptions,
  PostgresHistoryOptions,
  StoredHistoryItem,
} from './types.js';
import { checkFilters, checkId, checkItem, checkLimit, checkName, checkTtl } from './validate.js';

const DEFAULT_TTL_MS = 30 * 24 * 60 * 60 * 1000;

function notFound(): ZrmError {
  return new ZrmError('not_found', 'No such history item.', { param: 'id' });
}

function zrmContent(): ZrmError {
  return new ZrmError(
    'zero_retention_storage_not_allowed',
    "An item carrying a Zero Retention Mode request's content cannot be stored.",
  );
}

/**
 * Request history in PostgreSQL: a `pg` Pool or Client (a real server) or a
 * PGlite instance (embedded), with the same SQL. Every statement is scoped by
 * owner; a write failure is reported through `onFault`, never thrown. A ZRM
 * scope issues no statement, and an item carrying an in-flight ZRM request's
 * content is not written from any other context either.
 */
export class PostgresHistoryStore implements HistoryStore {
  readonly #sql: SqlClient;
  readonly #tables: Tables;
  readonly #ttlMs: number | null;
  readonly #onFault: ((fault: HistoryFault) => void) | undefined;
  readonly #now: () => Date;
  #ready: Promise<Buffer> | undefined;

  constructor(db: HistoryDatabase, options: PostgresHistoryOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('PostgresHistoryStore: options must be an object');
    }
    if (options.onFault !== undefined && typeof options.onFault !== 'function') {
      throw new TypeError('PostgresHistoryStore: onFault must be a function');
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError('PostgresHistoryStore: now must be a function');
    }
    this.#sql = createSqlClient(db);
    this.#tables = tablesIn(options.schema ?? 'public');
    this.#ttlMs = options.ttlMs === undefined ? DEFAULT_TTL_MS : checkTtl(options.ttlMs);
    this.#onFault = options.onFault;
    this.#now = options.now ?? (() => new Date());
  }

  /** Applies pending migrations (first use does it too) and returns the schema version. */
  async migrate(): Promise<number> {
    try {
      await this.#key();
    } catch (error) {
      reportFault(this.#onFault, toFault('migrate', error));
      throw error;
    }
    return SCHEMA_VERSION;
  }

  async record(item: HistoryItem): Promise<string | undefined> {
    let requestId: string | null | undefined;
    try {
      const checked = checkItem(item);
      // in any context but a ZRM scope (whose statements are refused): another request's content
      if (!isZeroRetention() && carriesTaint(item)) {
        countCrossContextBlock();
        throw zrmContent(); // the fault names no request id: the id itself may be the content
      }
      requestId = checked.requestId;
      await this.#key();
      const id = randomUUID();
      const now = this.#now();
      const ttl = checked.ttlMs === undefined ? this.#ttlMs : checked.ttlMs;
      const expiresAt = ttl === null ? null : new Date(now.getTime() + ttl);
      // one statement, one row: a failure leaves nothing behind
      await this.#sql.query(
        `INSERT INTO ${this.#tables.items}
          (id, owner, request_id, voice_id, model_id, text, audio, metadata, created_at, expires_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
        [
          id,
          checked.owner,
          checked.requestId,
          checked.voiceId,
          checked.modelId,
          checked.text,
          checked.audio,
          checked.metadata,
          now,
          expiresAt,
        ],
      );
      return id;
    } catch (error) {
      reportFault(this.#onFault, toFault('record', error, requestId));
      return undefined;
    }
  }

  async get(owner: string, id: string): Promise<StoredHistoryItem> {
    const params = [checkName('owner', owner), checkId(id), this.#now()];
    const result = await this.#read('get', () =>
      this.#sql.query(
        `SELECT ${ITEM_COLUMNS} FROM ${this.#tables.items}
          WHERE owner = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > $3)`,
        params,
      ),
    );
    const row = result.rows[0];
    if (row === undefined) throw notFound();
    return toItem(row);
  }

  async list(owner: string, options: ListOptions = {}): Promise<HistoryPage> {
    const o = checkName('owner', owner);
    if (typeof options !== 'object' || options === null) {
      throw new ZrmError('invalid_request', 'options must be an object.', { param: 'options' });
    }
    const limit = checkLimit(options.limit);
    const filters = checkFilters(options.filters);
    const key = await this.#read('list', () => this.#key());
    const params: unknown[] = [o, this.#now(), limit + 1];
    const where = ['owner = $1', '(expires_at IS NULL OR expires_at > $2)'];
    const add = (condition: string, value: unknown): void => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (options.cursor !== undefined) add('seq < ?::bigint', decodeCursor(key, o, options.cursor));
    if (filters.requestId !== null) add('request_id = ?', filters.requestId);
    if (filters.voiceId !== null) add('voice_id = ?', filters.voiceId);
    if (filters.modelId !== null) add('model_id = ?', filters.modelId);
    if (filters.since !== null) add('created_at >= ?', filters.since);
    if (filters.until !== null) add('created_at < ?', filters.until);
    const result = await this.#read('list', () =>
      this.#sql.query(
        `SELECT ${ITEM_COLUMNS} FROM ${this.#tables.items}
          WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $3`,
        params,
      ),
    );
    const rows = result.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    const nextCursor =
      result.rows.length > limit && last !== undefined
        ? encodeCursor(key, o, String(last.position))
        : undefined;
    return { items: rows.map(toItem), nextCursor };
  }

  async delete(owner: string, id: string): Promise<void> {
    const params = [checkName('owner', owner), checkId(id)];
    const deleted = await this.#count('delete', `owner = $1 AND id = $2`, params);
    if (deleted === 0) throw notFound();
  }

  async deleteOwner(owner: string): Promise<number> {
    return this.#count('deleteOwner', 'owner = $1', [checkName('owner', owner)]);
  }

  async purgeExpired(now: Date = this.#now()): Promise<number> {
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new ZrmError('invalid_request', 'now must be a valid Date.', { param: 'now' });
    }
    return this.#count('purgeExpired', 'expires_at IS NOT NULL AND expires_at <= $1', [now]);
  }

  /** Deletes the matching rows in one statement and returns how many went. */
  async #count(
    operation: HistoryFault['operation'],
    condition: string,
    params: unknown[],
  ): Promise<number> {
    const result = await this.#read(operation, () =>
      this.#sql.query(
        `WITH gone AS (DELETE FROM ${this.#tables.items} WHERE ${condition} RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
        params,
      ),
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  /** Runs after the schema is ready; a database failure is reported, then rethrown. */
  async #read<T>(operation: HistoryFault['operation'], run: () => Promise<T>): Promise<T> {
    try {
      await this.#key();
      return await run();
    } catch (error) {
      reportFault(this.#onFault, toFault(operation, error));
      throw error;
    }
  }

  #key(): Promise<Buffer> {
    this.#ready ??= migrate(this.#sql, this.#tables).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }
}
