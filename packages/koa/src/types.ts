import type { Policy, PolicyOptions } from '@zrm/core';
import type { Context, Middleware } from 'koa';

/**
 * What policy callbacks and `requestId` receive: Koa's `Context` (from
 * `@types/koa`), so `ctx.get('x-plan')`, `ctx.headers` and `ctx.query` are
 * there. The middleware runs before the body parsers: `ctx.request.body` is not.
 */
export type KoaContext = Context;

/** Adapter settings that are not part of the policy. */
export interface KoaAdapterOptions {
  /**
   * The request id put on the scope (metadata, never content). Default: the
   * `x-request-id` header when it is a short token, else a random UUID.
   */
  requestId?: (ctx: KoaContext) => string | undefined;
}

/** `zeroRetention(options)`: a policy, or the policy's options plus adapter settings. */
export type ZeroRetentionKoaOptions =
  Policy<KoaContext> | (PolicyOptions<KoaContext> & KoaAdapterOptions);

/** The middleware: fits `app.use()` of Koa 2 and Koa 3. */
export type ZeroRetentionMiddleware = Middleware;

declare module 'koa' {
  interface DefaultState {
    /** `true` while the request runs in Zero Retention Mode (set by `@zrm/koa`). */
    zeroRetention?: boolean;
  }
}
