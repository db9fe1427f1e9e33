/** What a service records about one request. `owner` is the tenant or account the item belongs to. */
export interface HistoryItem {
  owner: string;
  requestId?: string | undefined;
  text?: string | undefined;
  audio?: Uint8Array | ArrayBuffer | undefined;
  voiceId?: string | undefined;
  modelId?: string | undefined;
  /** Any JSON-serializable object; stored as `jsonb`. */
  metadata?: Record<string, unknown> | undefined;
  /** Overrides the store's `ttlMs` for this item; `null` keeps it until deleted. */
  ttlMs?: number | null | undefined;
}

/** An item as read back from a store. */
export interface StoredHistoryItem {
  id: string;
  owner: string;
  requestId: string | undefined;
  text: string | undefined;
  audio: Uint8Array | undefined;
  voiceId: string | undefined;
  modelId: string | undefined;
  metadata: Record<string, unknown> | undefined;
  createdAt: Date;
  expiresAt: Date | undefined;
}

/** Exact-match and time-range filters of `list`. */
export interface HistoryFilters {
  requestId?: string | undefined;
  voiceId?: string | undefined;
  modelId?: string | undefined;
  /** Items created at or after this instant. */
  since?: Date | undefined;
  /** Items created before this instant. */
  until?: Date | undefined;
}

export interface ListOptions {
  /** The `nextCursor` of the previous page, for the same owner. */
  cursor?: string | undefined;
  /** Items per page, 1 to 1000 (default 50). */
  limit?: number | undefined;
  filters?: HistoryFilters | undefined;
}

/** One page of items, newest first. `nextCursor` is absent on the last page. */
export interface HistoryPage {
  items: StoredHistoryItem[];
  nextCursor: string | undefined;
}

export interface HistoryStore {
  /** Stores an item and returns its id; `undefined` when nothing was stored (ZRM, or a reported failure). */
  record(item: HistoryItem): Promise<string | undefined>;
  /** The owner's item; `ZrmError` `not_found` when it does not exist, expired or belongs to another owner. */
  get(owner: string, id: string): Promise<StoredHistoryItem>;
  list(owner: string, options?: ListOptions): Promise<HistoryPage>;
  /** Deletes the row now; `ZrmError` `not_found` when the owner has no such item. */
  delete(owner: string, id: string): Promise<void>;
  /** Deletes every item of the owner (account deletion); returns how many rows went. */
  deleteOwner(owner: string): Promise<number>;
  /** Deletes every item whose time to live has passed; returns how many rows went. */
  purgeExpired(now?: Date): Promise<number>;
}

/** A content-free report of a failed store operation: no driver message, no query, no parameters. */
export interface HistoryFault {
  operation: 'migrate' | 'record' | 'get' | 'list' | 'delete' | 'deleteOwner' | 'purgeExpired';
  /** SQLSTATE, Node error code (`ECONNREFUSED`) or zrm error code; `unknown` otherwise. */
  code: string;
  message: string;
  requestId?: string | undefined;
}

export interface PostgresHistoryOptions {
  /** Schema holding the tables (created when missing). Default `public`. */
  schema?: string | undefined;
  /** Default time to live of an item in milliseconds; `null` keeps items until deleted. Default 30 days. */
  ttlMs?: number | null | undefined;
  /** Called with a content-free report when an operation fails; a throwing hook is ignored. */
  onFault?: ((fault: HistoryFault) => void) | undefined;
  /** The store's clock (tests move it forward to expire items). */
  now?: (() => Date) | undefined;
}

export interface EmbeddedHistoryOptions extends PostgresHistoryOptions {
  /** Directory of the database files; in memory when absent. */
  dataDir?: string | undefined;
}

/** Result rows of one statement, as both drivers return them. */
export interface SqlResult {
  rows: Record<string, unknown>[];
  rowCount?: number | null | undefined;
  affectedRows?: number | undefined;
}

/** The part of a `pg` Client or pool client that the store uses. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<SqlResult>;
}

/** The part of a `pg` Pool that the store uses. */
export interface PgPoolLike extends PgClientLike {
  connect(): Promise<PgClientLike & { release(error?: Error | boolean): void }>;
  readonly totalCount: number;
}

/** The part of a PGlite instance that the store uses. */
export interface PGliteLike {
  query(text: string, values?: unknown[]): Promise<SqlResult>;
  transaction<T>(
    fn: (tx: { query(text: string, values?: unknown[]): Promise<SqlResult> }) => Promise<T>,
  ): Promise<T>;
  exec(text: string): Promise<unknown>;
}

/** Whatever `PostgresHistoryStore` accepts: a `pg` Pool, a `pg` Client or a PGlite instance. */
export type HistoryDatabase = PgPoolLike | PgClientLike | PGliteLike;
