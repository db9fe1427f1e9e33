import type { NodeOptions } from '@sentry/node';

/** Options of `zeroRetentionIntegration`. */
export interface ZeroRetentionIntegrationOptions {
  /**
   * How long (ms) a ZRM request's trace stays marked after the request's
   * scope ended, so that what Sentry sends later (the span buffer, the log
   * buffer, a deferred transaction) is still known to be ZRM. Default 30 000;
   * an integer from 0 to 3 600 000.
   */
  graceMs?: number;
  /**
   * Request headers whose values ZRM events keep (added to the defaults,
   * `DEFAULT_SAFE_HEADERS`); every other header keeps its name and loses its value.
   */
  safeHeaders?: readonly string[];
}

/** The integration type of the installed `@sentry/node` (whatever its major version). */
export type SentryIntegration = Extract<
  NonNullable<NodeOptions['integrations']>,
  readonly unknown[]
>[number];

/** A JSON-like record: events, breadcrumbs, span JSON and log records are handled as these. */
export type Fields = Record<string, unknown>;
