import { registerContent } from './request-content.js';
import type { ZrmScope } from './scope.js';
import { state } from './state.js';

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/** Any emitter: Node's EventEmitter, streams, sockets, ws's WebSocket. */
export interface EmitterLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every emitter's own signature must fit
  emit(event: string | symbol, ...args: any[]): boolean;
}

export interface EmitterScopeOptions {
  /**
   * Runs in the scope before an event's listeners: registers what the event
   * carries (a frame, an upload chunk). Returning `false` drops the event
   * (its listeners do not run; `emit` returns false).
   */
  before?: (event: string | symbol, args: unknown[]) => boolean | void;
  /** The scope ends once this event's listeners have run (a response's or connection's `'close'`). */
  endOn?: string | symbol;
}

/**
 * Every listener of `emitter` runs in `scope`, whatever context emits the
 * event (a body parser's stream, a socket of a pool, a timer): the scope of
 * the data, not of whoever created the listener. An event emitted in the
 * scope already is passed straight on. Returns `emitter`.
 *
 * It runs for every event of every request (`req` and `res` in the Express
 * adapter, the raw request in Fastify's), so an event costs no allocation of
 * its own: the emitter's own `emit` is called with the event's `arguments` as
 * they are (no bound copy, no rest array, no closure per event).
 */
export function runEmitterInScope<E extends EmitterLike>(
  emitter: E,
  scope: ZrmScope,
  options: EmitterScopeOptions = {},
): E {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- always called with the emitter as `this`
  const emit = emitter.emit as Emit;
  const { before, endOn } = options;
  const deliver: Emit =
    before === undefined
      ? emit
      : function deliverUnlessDropped(this: E, event: string | symbol, ...args: unknown[]) {
          return before(event, args) === false ? false : emit.call(this, event, ...args);
        };
  const storage = state.storage;
  emitter.emit = function emitInScope(event: string | symbol): boolean {
    // eslint-disable-next-line prefer-rest-params -- the event's own arguments, passed on without a copy
    const args = arguments;
    const handled = (
      storage.getStore() === scope
        ? Reflect.apply(deliver, emitter, args)
        : storage.run(scope, Reflect.apply, deliver, emitter, args)
    ) as boolean;
    if (event === endOn) scope.end();
    return handled;
  } as E['emit'];
  return emitter;
}

/**
 * The `'data'` chunks of a stream of a ZRM request (an upload, a frame
 * stream) are registered as content before any listener sees them, and every
 * listener runs in the scope.
 */
export function registerStreamData<E extends EmitterLike>(stream: E, scope: ZrmScope): E {
  return runEmitterInScope(stream, scope, {
    before(event, args) {
      if (event === 'data') registerContent(args[0], scope);
    },
  });
}
