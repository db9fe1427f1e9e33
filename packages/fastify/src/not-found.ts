import type { FastifyInstance } from 'fastify';

type FastifyChildLoggerFactory = FastifyInstance['childLoggerFactory'];

/**
 * Fastify builds its default 404 context before any plugin runs, with the
 * default child logger factory; its "incoming request" and "Route … not
 * found" lines quote the URL. The plugin gives that context its factory too
 * (found by the symbol's description: Fastify does not export it).
 */
export function useForNotFound(
  instance: FastifyInstance,
  factory: FastifyChildLoggerFactory,
): void {
  const key = Object.getOwnPropertySymbols(instance).find(
    (s) => s.description === 'fastify.404ContextKey',
  );
  if (key === undefined) return;
  const context = (
    instance as unknown as Record<symbol, { childLoggerFactory?: unknown } | null | undefined>
  )[key];
  if (typeof context === 'object' && context !== null) context.childLoggerFactory = factory;
}
