import type { Context } from 'hono';

/**
 * The headers of a ZRM response, set on the context before the handler runs
 * (they go out with whatever response it builds, a stream too) and again on
 * `c.res` once the chain is done, whatever the handler set in between.
 */
export function setZrmHeaders(c: Context): void {
  c.header('cache-control', 'no-store');
  c.header('zero-retention', 'enforced');
}
