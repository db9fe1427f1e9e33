import type { Policy, PolicyOptions } from '@zrm/core';
import type { FastifyRequest } from 'fastify';

/**
 * The plugin takes what `definePolicy` takes: a policy or its options. Its
 * callbacks (`entitled`, `force`, `principal`, `trustPropagated`) receive the
 * `FastifyRequest` (in `onRequest`: headers, `query`, `params` are there, the body is not yet).
 */
export type ZeroRetentionFastifyOptions = Policy<FastifyRequest> | PolicyOptions<FastifyRequest>;

/** How the logger of one request writes: decided early, tightened later, never loosened. */
export type RequestLogMode = 'ordinary' | 'zero-retention' | 'undecided';

declare module 'fastify' {
  interface FastifyRequest {
    /** True when this request runs in Zero Retention Mode (set by `@zrm/fastify` in `onRequest`). */
    zeroRetention: boolean;
  }
}
