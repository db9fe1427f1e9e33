import type { FastifyInstance } from 'fastify';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const EMPTY_FUNCTION = /^function\s*[\w$]*\s*\(\)\s*\{\s*\}$/;
const DEFAULT_FACTORY =
  /^function defaultChildLoggerFactory\s*\(logger, bindings, opts\)\s*\{\s*return logger\.child\(bindings, opts\);?\s*\}$/;

/**
 * True when the app was built without a logger (`logger: false`): every level
 * method does nothing, a child is the logger itself, and request loggers come
 * from Fastify's own factory. Such an app writes no request line, so the
 * plugin leaves Fastify's fast path alone (no request logger per request).
 * Read from the functions' source: any doubt answers false.
 */
export function logsNothing(instance: FastifyInstance): boolean {
  try {
    const log = instance.log as unknown as Record<string, unknown> & {
      child(bindings: object): unknown;
    };
    if (!DEFAULT_FACTORY.test(String(instance.childLoggerFactory))) return false;
    for (const level of LEVELS) {
      const method = log[level];
      if (typeof method !== 'function' || !EMPTY_FUNCTION.test(String(method))) return false;
    }
    return log.child({}) === log;
  } catch {
    return false;
  }
}
