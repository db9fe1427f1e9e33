import { currentScope, type ZrmScope } from '@zrm/core';
import type { HistoryItem, HistoryStore } from '@zrm/history';

interface Queued {
  item: HistoryItem;
  done: (id: string | undefined) => void;
}

/**
 * A write-behind buffer as services write one: requests queue items, and a
 * flush writes them all from whatever async context it runs in: that of the
 * request whose `add` started the timer, of the code that started it at
 * start-up, or of the request that calls `flush`.
 */
export class WriteBehind {
  readonly #store: Pick<HistoryStore, 'record'>;
  readonly #batch: number;
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #flushes: Promise<void>[] = [];
  /** The scope each flush ran in (`undefined`: none), and whether it had ended by then. */
  readonly flushedIn: { scope: ZrmScope | undefined; ended: boolean | undefined }[] = [];

  /** `batch`: the timer flushes once this many items are queued. */
  constructor(store: Pick<HistoryStore, 'record'>, batch: number) {
    this.#store = store;
    this.#batch = batch;
  }

  get size(): number {
    return this.#queue.length;
  }

  /** Queues an item; resolves with its id (`undefined`: not stored) once it is flushed. */
  add(item: HistoryItem, options: { startTimer: boolean }): Promise<string | undefined> {
    const written = new Promise<string | undefined>((done) => this.#queue.push({ item, done }));
    if (options.startTimer) this.startTimer();
    return written;
  }

  /** Starts the flush timer in the caller's async context (nothing when it runs already). */
  startTimer(): void {
    if (this.#timer !== undefined) return;
    const tick = (): void => {
      if (this.#queue.length < this.#batch) {
        this.#timer = setTimeout(tick, 5);
        return;
      }
      this.#timer = undefined;
      void this.flush();
    };
    this.#timer = setTimeout(tick, 5);
  }

  /** Writes every queued item in the caller's async context. */
  flush(): Promise<void> {
    const scope = currentScope();
    this.flushedIn.push({ scope, ended: scope?.ended });
    const batch = this.#queue;
    this.#queue = [];
    const flushed = Promise.all(
      batch.map(async ({ item, done }) =>
        done(await this.#store.record(item).catch(() => undefined)),
      ),
    ).then(() => undefined);
    this.#flushes.push(flushed);
    return flushed;
  }

  /** Resolves once every flush started so far has written its items. */
  async settled(): Promise<void> {
    await Promise.all(this.#flushes);
  }
}
