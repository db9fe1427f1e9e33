import { currentScope, redact, scrubUrl, type Policy } from '@zrm/core';
import { inFlightTaintCount } from '@zrm/core/adapter';
import type { FastifyBaseLogger } from 'fastify';
import { redactLogArgs } from './log-args.js';
import type { RequestState } from './request-state.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
type Level = (typeof LEVELS)[number];
type LogFn = (...args: unknown[]) => void;

const kTarget = Symbol('@zrm/fastify.logger-target');
const kState = Symbol('@zrm/fastify.logger-state');
const kPolicy = Symbol('@zrm/fastify.logger-policy');
/** Set on a pino child that carries the wrapper's methods itself (no wrapper object). */
const kInPlace = Symbol('@zrm/fastify.logger-in-place');

interface RequestLogger {
  /** Whose level methods write the line (called with the request logger as `this`). */
  [kTarget]: Record<Level, LogFn>;
  [kState]: RequestState;
  [kPolicy]: Policy;
  [kInPlace]?: true;
}

function countDropped(): void {
  const scope = currentScope();
  if (scope !== undefined) scope.counters.droppedRecords++;
}

function write(logger: RequestLogger, level: Level, args: unknown[]): void {
  const log = logger[kTarget][level];
  const state = logger[kState];
  switch (state.mode) {
    case 'ordinary':
      if (inFlightTaintCount() === 0) log.apply(logger, args);
      else log.apply(logger, scrubOrdinaryArgs(args));
      return;
    case 'undecided':
      if (!state.hold(() => write(logger, level, args))) countDropped();
      return;
    default:
      try {
        log.apply(logger, redactLogArgs(args, logger[kPolicy]));
      } catch {
        // a ZRM line that cannot be written is dropped, never thrown into the request
        countDropped();
      }
  }
}

const SINK = { sink: 'fastify' } as const;
const HOLDS_CONTENT = ['url', 'originalUrl', 'host', 'hostname'];

/** A request object in a line outside ZRM: kept as it is unless a field its serializer renders is tainted. */
function scrubRequest(req: unknown): unknown {
  if (typeof req !== 'object' || req === null) return redact(req, SINK);
  const fields = req as Record<string, unknown>;
  const scrubbed: Record<string, string> = {};
  let tainted = false;
  for (const key of HOLDS_CONTENT) {
    const value = fields[key];
    if (typeof value !== 'string') continue;
    scrubbed[key] = scrubUrl(value, 'fastify');
    if (scrubbed[key] !== value) tainted = true;
  }
  if (!tainted) return req;
  const summary: Record<string, unknown> = {};
  for (const key of ['method', 'url', 'version', 'host', 'hostname', 'ip', 'id']) {
    const value = fields[key];
    // a field already scrubbed is not scrubbed (and counted) again
    if (typeof value === 'string') summary[key] = scrubbed[key] ?? scrubUrl(value);
  }
  return summary;
}

/**
 * The arguments of a line outside ZRM while ZRM requests are in flight: a
 * request's logger may carry another request's content (a shared connection,
 * a batcher), whatever logger the app uses. Registered content is removed,
 * every other value passes as the same reference.
 */
function scrubOrdinaryArgs(args: readonly unknown[]): unknown[] {
  const out = args.slice();
  let start = 0;
  const first = args[0];
  if (typeof first === 'object' && first !== null && !(first instanceof Error)) {
    const fields = first as Record<string, unknown>;
    if ('req' in fields || 'res' in fields) {
      // Fastify's request and reply objects: only what their serializers render is looked at
      let copy: Record<string, unknown> | undefined;
      const keys = Object.keys(fields);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const before = fields[key];
        const after =
          key === 'res' ? before : key === 'req' ? scrubRequest(before) : redact(before, SINK);
        if (copy === undefined && after !== before) {
          copy = {};
          for (let j = 0; j < i; j++) copy[keys[j] as string] = fields[keys[j] as string];
        }
        if (copy !== undefined) copy[key] = after;
      }
      if (copy !== undefined) out[0] = copy;
      start = 1;
    }
  }
  for (let i = start; i < args.length; i++) out[i] = redact(args[i], SINK);
  return out;
}

function method(level: Level): LogFn {
  return function log(this: RequestLogger, ...args: unknown[]): void {
    write(this, level, args);
  };
}

const METHODS: Record<Level, LogFn> = {
  fatal: method('fatal'),
  error: method('error'),
  warn: method('warn'),
  info: method('info'),
  debug: method('debug'),
  trace: method('trace'),
};

function child(
  this: RequestLogger,
  bindings: Record<string, unknown>,
  options?: unknown,
): FastifyBaseLogger {
  const state = this[kState];
  const policy = this[kPolicy];
  // bindings are serialized once, now: unless the request is known to be ordinary they are redacted
  const safe =
    state.mode === 'ordinary'
      ? bindings
      : (redact(bindings, { zeroRetention: true, policy }) as object);
  if (this[kInPlace] === true) {
    // pino's own child, made from this logger: it inherits the methods, state and policy
    const pinoChild = (this[kTarget] as unknown as { child: ChildFn }).child;
    const made = pinoChild.call(this, safe, options);
    return hasOwnLevels(made) ? wrapRequestLogger(made, state, policy) : made;
  }
  const target = this[kTarget] as unknown as FastifyBaseLogger & { child: ChildFn };
  return wrapRequestLogger(target.child(safe, options), state, policy);
}

type ChildFn = (this: object, bindings: object, options?: unknown) => FastifyBaseLogger;

/** Did pino give this logger level methods of its own (a level set on it)? They would shadow ours. */
function hasOwnLevels(logger: object): boolean {
  return Object.prototype.hasOwnProperty.call(logger, 'info');
}

/**
 * The logger Fastify gives a request (`request.log`, `reply.log`), wrapped so
 * that every line of a ZRM request is content-free whatever logger the app
 * uses, lines logged before the mode is known wait for it, and ordinary
 * requests write exactly what they were given. `madeFrom`: the logger the
 * request's child was made from, when it is known to be a fresh child of it.
 */
export function wrapRequestLogger(
  target: FastifyBaseLogger,
  state: RequestState,
  policy: Policy,
  madeFrom?: object,
): FastifyBaseLogger {
  const parent: unknown = Object.getPrototypeOf(target);
  if (
    madeFrom !== undefined &&
    parent === madeFrom &&
    target !== madeFrom &&
    !hasOwnLevels(target)
  ) {
    // A pino child made for this request alone (Fastify's default factory): it takes the methods
    // itself. A wrapper object per request, whose prototype is that request's child, gets a hidden
    // class of its own, and its own properties are added to it one slow step at a time.
    const logger = install(target, parent, state, policy);
    logger[kInPlace] = true;
    return logger;
  }
  return install(Object.create(target) as FastifyBaseLogger, target, state, policy);
}

/** Gives `logger` the request logger's methods, writing through `target`'s level methods. */
function install(
  logger: FastifyBaseLogger,
  target: object,
  state: RequestState,
  policy: Policy,
): FastifyBaseLogger & RequestLogger {
  const own = logger as FastifyBaseLogger & RequestLogger;
  own[kTarget] = target as Record<Level, LogFn>;
  own[kState] = state;
  own[kPolicy] = policy;
  for (const level of LEVELS) (own as unknown as Record<Level, LogFn>)[level] = METHODS[level];
  (own as unknown as { child: typeof child }).child = child;
  return own;
}

const PINO_HOOKS = Symbol.for('pino.hooks');
const ZRM_COMPOSED = Symbol.for('@zrm/pino.composed');

/** Was this logger made by pino with `withZeroRetention` options (whose hooks cover every context)? */
export function isZeroRetentionPino(logger: object): boolean {
  const hooks = (logger as Record<symbol, unknown>)[PINO_HOOKS];
  return (
    typeof hooks === 'object' &&
    hooks !== null &&
    (hooks as Record<symbol, unknown>)[ZRM_COMPOSED] === true
  );
}
