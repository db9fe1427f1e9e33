import { performance } from 'node:perf_hooks';

/**
 * Releases things after a delay with one timer per distinct delay instead of
 * one per item: items of the same delay are due in the order they were queued,
 * so each delay keeps a FIFO and a single unref'd timer for its oldest item.
 */
export class ReleaseQueue<T> {
  readonly #queues = new Map<number, DelayQueue<T>>();
  readonly #release: (item: T) => void;

  constructor(release: (item: T) => void) {
    this.#release = release;
  }

  /** Releases `item` once `delayMs` have passed (never before; later when the event loop is busy). */
  add(item: T, delayMs: number): void {
    let queue = this.#queues.get(delayMs);
    if (queue === undefined) {
      queue = new DelayQueue(delayMs, this.#release);
      this.#queues.set(delayMs, queue);
    }
    queue.push(item);
  }

  /** Items waiting (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.size;
    return n;
  }
}

class DelayQueue<T> {
  readonly #delay: number;
  readonly #release: (item: T) => void;
  #items: T[] = [];
  #due: number[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(delay: number, release: (item: T) => void) {
    this.#delay = delay;
    this.#release = release;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
    this.#due.push(performance.now() + this.#delay);
    if (this.#timer === undefined) this.#arm(this.#delay);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(ms)));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    const items = this.#items;
    const due = this.#due;
    while (this.#head < items.length && (due[this.#head] as number) <= now) {
      const item = items[this.#head] as T;
      items[this.#head] = undefined as T; // the queue keeps no reference to what it released
      this.#head++;
      try {
        this.#release(item);
      } catch {
        // one failing release must not keep the others
      }
    }
    if (this.#head === items.length) {
      this.#items = [];
      this.#due = [];
      this.#head = 0;
      return;
    }
    if (this.#head > 1024 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head);
      this.#due = due.slice(this.#head);
      this.#head = 0;
    }
    this.#arm((this.#due[this.#head] as number) - now);
  }
}
