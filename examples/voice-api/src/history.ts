import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  guardHistory,
  openEmbeddedHistory,
  type EmbeddedHistoryStore,
  type HistoryFault,
  type HistoryItem,
  type HistoryStore,
} from '@zrm/history';

export interface OpenedHistory {
  store: HistoryStore;
  /** The embedded database itself, for audits and tests that read its tables. */
  db: HistoryDatabase;
  close(): Promise<void>;
}

/** What a reader of the history's tables needs of the database. */
export interface HistoryDatabase {
  query(text: string): Promise<{ rows: Record<string, unknown>[] }>;
}

/** Postgres type id of `bytea` (the history's audio column). */
const BYTEA = 17;

/**
 * PGlite's default `bytea` codec turns every byte into a string of its own
 * (`toString(16)` to write, `parseInt` to read): for a few seconds of audio
 * that costs more than the INSERT. Written instead as node-postgres writes a
 * Buffer: in binary format (PGlite's Bind sends a byte view as is), and read
 * with Node's native hex decoder.
 */
function byteaAsBinary(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new TypeError('bytea parameter must be a Uint8Array');
  return value as unknown as string; // a byte view, not a string: PGlite binds it in binary format
}

function byteaFromHex(text: string): Uint8Array {
  // not Buffer.from(text, 'hex'): small results would land in Node's shared buffer pool
  const bytes = Buffer.alloc((text.length - 2) >>> 1);
  bytes.write(text.slice(2), 'hex');
  return bytes;
}

/** Embedded Postgres (PGlite), guarded: a ZRM request never issues a statement. */
export async function openHistory(
  dataDir: string | undefined,
  onFault: (fault: HistoryFault) => void,
  zeroRetention = true,
): Promise<OpenedHistory> {
  const embedded = await openEmbeddedHistory({ ...(dataDir ? { dataDir } : {}), onFault });
  embedded.db.serializers[BYTEA] = byteaAsBinary;
  embedded.db.parsers[BYTEA] = byteaFromHex;
  if (zeroRetention)
    return { store: guardHistory(embedded), db: embedded.db, close: () => embedded.close() };
  return leakyHistory(embedded);
}

/**
 * Test-only: the leak a naive service makes. Its history is a plain INSERT
 * through the driver, with no zrm anywhere (the zrm store refuses an in-flight
 * ZRM request's content from any context), run in an async context made at
 * start-up (a pool's callback, a queue's worker), outside any request scope:
 * ZRM content is stored. The request still waits for its write, as the
 * guarded store's requests do, so the two builds do the same work per request
 * (the benchmarks compare them).
 */
function leakyHistory(embedded: EmbeddedHistoryStore): OpenedHistory {
  const outside = new AsyncResource('leaky-history-pool');
  const insert = async (item: HistoryItem): Promise<string> => {
    const id = randomUUID();
    await embedded.db.query(
      `INSERT INTO public.zrm_history_items
        (id, owner, request_id, voice_id, model_id, text, audio, metadata, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, now())`,
      [
        id,
        item.owner,
        item.requestId ?? null,
        item.voiceId ?? null,
        item.modelId ?? null,
        item.text ?? null,
        item.audio === undefined ? null : new Uint8Array(item.audio),
        item.metadata === undefined ? null : JSON.stringify(item.metadata),
      ],
    );
    return id;
  };
  const store: HistoryStore = {
    record: (item) => outside.runInAsyncScope(() => insert(item)),
    get: (owner, id) => embedded.get(owner, id),
    list: (owner, options) => embedded.list(owner, options),
    delete: (owner, id) => embedded.delete(owner, id),
    deleteOwner: (owner) => embedded.deleteOwner(owner),
    purgeExpired: (now) => embedded.purgeExpired(now),
  };
  return { store, db: embedded.db, close: () => embedded.close() };
}
