import { registerContent } from './request-content.js';
import { currentScope, type ZrmScope } from './scope.js';

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
 */
export function runEmitterInScope<E extends EmitterLike>(
  emitter: E,
  scope: ZrmScope,
  options: EmitterScopeOptions = {},
): E {
  const emit = emitter.emit.bind(emitter) as Emit;
  const { before, endOn } = options;
  const deliver =
    before === undefined
      ? emit
      : (event: string | symbol, ...args: unknown[]): boolean =>
          before(event, args) === false ? false : emit(event, ...args);
  emitter.emit = function emitInScope(event: string | symbol, ...args: unknown[]): boolean {
    const handled =
      currentScope() === scope ? deliver(event, ...args) : scope.run(() => deliver(event, ...args));
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
