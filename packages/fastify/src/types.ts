import type { Policy, PolicyOptions } from '@zrm/core';

/** The plugin takes what `definePolicy` takes: a policy or its options. */
export type ZeroRetentionFastifyOptions = Policy | PolicyOptions;

/** How the logger of one request writes: decided early, tightened later, never loosened. */
export type RequestLogMode = 'ordinary' | 'zero-retention' | 'undecided';

declare module 'fastify' {
  interface FastifyRequest {
    /** True when this request runs in Zero Retention Mode (set by `@zrm/fastify` in `onRequest`). */
    zeroRetention: boolean;
  }
}
