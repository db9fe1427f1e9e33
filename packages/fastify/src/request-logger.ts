import { currentScope, redact, type Policy } from '@zrm/core';
import type { FastifyBaseLogger } from 'fastify';
import { redactLogArgs } from './log-args.js';
import type { RequestState } from './request-state.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
type Level = (typeof LEVELS)[number];
type LogFn = (...args: unknown[]) => void;

const kTarget = Symbol('@zrm/fastify.logger-target');
const kState = Symbol('@zrm/fastify.logger-state');
const kPolicy = Symbol('@zrm/fastify.logger-policy');

interface RequestLogger {
  [kTarget]: Record<Level, LogFn>;
  [kState]: RequestState;
  [kPolicy]: Policy;
}

function countDropped(): void {
  const scope = currentScope();
  if (scope !== undefined) scope.counters.droppedRecords++;
}

function write(logger: RequestLogger, level: Level, args: unknown[]): void {
  const target = logger[kTarget];
  const state = logger[kState];
  switch (state.mode) {
    case 'ordinary':
      target[level](...args);
      return;
    case 'undecided':
      if (!state.hold(() => write(logger, level, args))) countDropped();
      return;
    default:
      try {
        target[level](...redactLogArgs(args, logger[kPolicy]));
      } catch {
        // a ZRM line that cannot be written is dropped, never thrown into the request
        countDropped();
      }
  }
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
  const target = this[kTarget] as FastifyBaseLogger & {
    child(bindings: object, options?: unknown): FastifyBaseLogger;
  };
  return wrapRequestLogger(target.child(safe, options), state, policy);
}

/**
 * The logger Fastify gives a request (`request.log`, `reply.log`), wrapped so
 * that every line of a ZRM request is content-free whatever logger the app
 * uses, lines logged before the mode is known wait for it, and ordinary
 * requests write exactly what they were given.
 */
export function wrapRequestLogger(
  target: FastifyBaseLogger,
  state: RequestState,
  policy: Policy,
): FastifyBaseLogger {
  const logger = Object.create(target) as FastifyBaseLogger & RequestLogger;
  logger[kTarget] = target;
  logger[kState] = state;
  logger[kPolicy] = policy;
  for (const level of LEVELS) (logger as unknown as Record<Level, LogFn>)[level] = METHODS[level];
  (logger as unknown as { child: typeof child }).child = child;
  return logger;
}
