import type { ZeroRetentionIntegrationOptions } from './types.js';

/** Header values a ZRM event keeps: they describe the request, never what it says. */
export const DEFAULT_SAFE_HEADERS: readonly string[] = [
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'connection',
  'content-length',
  'content-type',
  'host',
  'sec-fetch-dest',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-user',
  'sentry-trace',
  'traceparent',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-request-id',
];

export const DEFAULT_GRACE_MS = 30_000;
const MAX_GRACE_MS = 3_600_000;

export interface ResolvedOptions {
  readonly graceMs: number;
  readonly safeHeaders: ReadonlySet<string>;
}

function fail(message: string): never {
  throw new TypeError(`zeroRetentionIntegration: ${message}`);
}

/** Checks the options; a bad one throws a TypeError that names the option, never its value. */
export function resolveOptions(
  options: ZeroRetentionIntegrationOptions | undefined,
): ResolvedOptions {
  if (options === undefined) {
    return { graceMs: DEFAULT_GRACE_MS, safeHeaders: new Set(DEFAULT_SAFE_HEADERS) };
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('options must be an object.');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'graceMs' && key !== 'safeHeaders') fail('unknown option (graceMs, safeHeaders).');
  }
  const { graceMs = DEFAULT_GRACE_MS, safeHeaders = [] } = options;
  if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) {
    fail(`graceMs must be an integer from 0 to ${MAX_GRACE_MS}.`);
  }
  if (!Array.isArray(safeHeaders) || !safeHeaders.every((name) => typeof name === 'string')) {
    fail('safeHeaders must be an array of header names.');
  }
  const names = [...DEFAULT_SAFE_HEADERS, ...safeHeaders].map((name) => name.toLowerCase());
  return { graceMs, safeHeaders: new Set(names) };
}
