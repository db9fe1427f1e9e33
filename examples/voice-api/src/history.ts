import {
  guardHistory,
  openEmbeddedHistory,
  type HistoryFault,
  type HistoryStore,
} from '@zrm/history';

export interface OpenedHistory {
  store: HistoryStore;
  close(): Promise<void>;
}

/** Embedded Postgres (PGlite), guarded: a ZRM request never issues a statement. */
export async function openHistory(
  dataDir: string | undefined,
  onFault: (fault: HistoryFault) => void,
  zeroRetention = true,
): Promise<OpenedHistory> {
  const embedded = await openEmbeddedHistory({ ...(dataDir ? { dataDir } : {}), onFault });
  if (zeroRetention) return { store: guardHistory(embedded), close: () => embedded.close() };
  return leakyHistory(embedded);
}

/**
 * Test-only: the leak a naive service makes. Writes are queued and drained by
 * a timer created at start-up, outside any request scope: the store's own ZRM
 * check cannot see the request's mode, so ZRM content is stored.
 */
function leakyHistory(embedded: HistoryStore & { close(): Promise<void> }): OpenedHistory {
  const queue: Parameters<HistoryStore['record']>[0][] = [];
  const drain = setInterval(() => {
    for (const item of queue.splice(0)) void embedded.record(item);
  }, 20);
  const store: HistoryStore = {
    record: (item) => {
      queue.push(item);
      return Promise.resolve(undefined);
    },
    get: (owner, id) => embedded.get(owner, id),
    list: (owner, options) => embedded.list(owner, options),
    delete: (owner, id) => embedded.delete(owner, id),
    deleteOwner: (owner) => embedded.deleteOwner(owner),
    purgeExpired: (now) => embedded.purgeExpired(now),
  };
  return {
    store,
    close: async () => {
      clearInterval(drain);
      await embedded.close();
    },
  };
}
