export { PostgresHistoryStore } from './postgres-store.js';
export { EmbeddedHistoryStore, openEmbeddedHistory } from './embedded.js';
export { guardHistory } from './guard-history.js';
export type { GuardHistoryOptions } from './guard-history.js';
export type {
  EmbeddedHistoryOptions,
  HistoryDatabase,
  HistoryFault,
  HistoryFilters,
  HistoryItem,
  HistoryPage,
  HistoryStore,
  ListOptions,
  PGliteLike,
  PgClientLike,
  PgPoolLike,
  PostgresHistoryOptions,
  SqlResult,
  StoredHistoryItem,
} from './types.js';
