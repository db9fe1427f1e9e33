import {
  definePolicy,
  isTainted,
  markSensitive,
  type ZrmScope,
} from '../../packages/core/dist/index.js';
import { createScope, inFlightTaintCount } from '../../packages/core/dist/adapter.js';
import { transcript } from '../fixtures.js';

/** A request ended here is released at once, so the index holds `count` requests throughout. */
const policy = definePolicy({ taint: { graceMs: 0 } });

/** Bench `setup` of a case measured with no ZRM request in flight: proves there is none. */
export function noneInFlight(): void {
  if (inFlightTaintCount() !== 0) throw new Error(`${inFlightTaintCount()} ZRM requests in flight`);
}

/**
 * ZRM requests in flight while ordinary work is measured: `count` ZRM scopes,
 * each holding one unique transcript, opened in a bench's `setup` and ended in
 * its `teardown`, so no other case sees them. `arrive()` makes a new request
 * register its text and the oldest one end, every `every` calls.
 */
export class ZrmRequestsInFlight {
  readonly #logged: readonly string[];
  readonly #count: number;
  readonly #every: number;
  #scopes: ZrmScope[] = [];
  #oldest = 0;
  #calls = 0;
  #seed = 0;

  /** `logged`: the strings the measured work writes; none may hold in-flight content. */
  constructor(logged: readonly string[], count = 1_000, every = 10) {
    this.#logged = logged;
    this.#count = count;
    this.#every = every;
  }

  readonly open = (): void => {
    noneInFlight();
    for (let i = 0; i < this.#count; i++) this.#scopes.push(this.#request());
    if (inFlightTaintCount() !== this.#count) throw new Error('in-flight requests not registered');
    for (const text of this.#logged)
      if (isTainted(text)) throw new Error('a logged fixture holds in-flight content');
  };

  readonly close = (): void => {
    for (const scope of this.#scopes) scope.end();
    this.#scopes = [];
    this.#oldest = 0;
  };

  arrive(): void {
    if (++this.#calls % this.#every !== 0) return;
    this.#scopes[this.#oldest]!.end();
    this.#scopes[this.#oldest] = this.#request();
    this.#oldest = (this.#oldest + 1) % this.#count;
  }

  #request(): ZrmScope {
    const scope = createScope({ zeroRetention: true, policy });
    const text = transcript(this.#seed++);
    scope.run(() => markSensitive(text));
    return scope;
  }
}
