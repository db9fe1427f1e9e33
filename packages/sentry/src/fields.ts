import { DEFAULT_URL_KEYS, redact, REDACTED, scrubUrl } from '@zrm/core';
import { cleanValue, content, isRecord, SINK, type Redaction } from './redaction.js';
import type { Fields } from './types.js';

const HEADER_PREFIXES = ['http.request.header.', 'http.response.header.'];
/** Sentry's names for values that are content whatever the policy's keys say. */
const CONTENT_KEYS: ReadonlySet<string> = new Set([
  'sentry.status.message',
  'url.fragment',
  'http.fragment',
  'gen_ai.response.tool_calls',
  'gen_ai.request.available_tools',
]);
const CONTENT_PREFIXES = [
  'http.request.body',
  'http.response.body',
  'sentry.message.parameter.',
  'mcp.request.argument.',
];
/** Metadata whose last word reads like a content key (`text`). */
const METADATA_KEYS: ReadonlySet<string> = new Set([
  'http.response.status_text',
  'http.status_text',
]);
const QUERY_KEYS: ReadonlySet<string> = new Set(['url.query', 'http.query']);
const URL_KEYS: ReadonlySet<string> = new Set([...DEFAULT_URL_KEYS, 'url.path']);

/**
 * The header a span attribute holds: `http.request.header.content-type`
 * (Sentry 11), `http.request.header.content_type` and, per cookie,
 * `http.request.header.cookie.<name>` (Sentry 10, through OpenTelemetry).
 */
function headerName(key: string): string | undefined {
  for (const prefix of HEADER_PREFIXES) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length).toLowerCase();
    const dot = name.indexOf('.');
    return (dot < 0 ? name : name.slice(0, dot)).replaceAll('_', '-');
  }
  return undefined;
}

function isContentKey(key: string): boolean {
  return CONTENT_KEYS.has(key) || CONTENT_PREFIXES.some((prefix) => key.startsWith(prefix));
}

function isUrlKey(r: Redaction, key: string): boolean {
  const lower = key.toLowerCase();
  return URL_KEYS.has(lower) || r.policy?.urlKeys.has(lower) === true;
}

/**
 * A URL (or a path, or `METHOD /path`): in ZRM every query value but the
 * policy's safe ones and every path segment holding registered content is
 * redacted; elsewhere only registered content is, with the URL decoded first
 * (`%20`-encoded content is found too).
 */
export function cleanUrl(r: Redaction, url: unknown): unknown {
  // the whole text first: registered content that holds a `/` spans path segments
  const text = cleanValue(r, url);
  if (typeof text !== 'string') return text;
  const out = scrubUrl(text, SINK, { zeroRetention: r.zrm, ...(r.policy && { policy: r.policy }) });
  if (r.zrm && out !== text) r.replaced++;
  return out;
}

/** A query string without its `?` (`url.query`), cleaned as a URL's query. */
export function cleanQuery(r: Redaction, query: unknown): unknown {
  if (typeof query !== 'string') return cleanValue(r, query);
  const bare = query.startsWith('?') ? query.slice(1) : query;
  const out = cleanUrl(r, `?${bare}`) as string;
  return query.startsWith('?') ? out : out.slice(1);
}

/** A span, transaction or segment name: as a URL when it holds a path or a query, else as text. */
export function cleanName(r: Redaction, name: unknown): unknown {
  if (typeof name === 'string' && (name.includes('/') || name.includes('?')))
    return cleanUrl(r, name);
  return cleanValue(r, name);
}

/** A header value: in ZRM kept (cleaned) for the safe headers only. */
export function cleanHeader(r: Redaction, name: string, value: unknown): unknown {
  if (r.zrm && !r.safeHeaders.has(name.toLowerCase())) return content(r, value);
  return cleanValue(r, value);
}

export function cleanHeaders(r: Redaction, headers: unknown): unknown {
  if (!isRecord(headers)) return cleanValue(r, headers);
  const out: Fields = {};
  for (const name of Object.keys(headers)) out[name] = cleanHeader(r, name, headers[name]);
  return out;
}

/** A value under `key`, with the policy's key rules (a content key in ZRM is replaced). */
function cleanKeyed(r: Redaction, key: string, value: unknown): unknown {
  if (!r.zrm) return cleanValue(r, value);
  const out = redact(
    { [key]: value },
    { zeroRetention: true, sink: SINK, ...(r.policy && { policy: r.policy }) },
  );
  return isRecord(out) ? out[key] : REDACTED;
}

/**
 * One attribute or data field (span attributes and data, breadcrumb data, log
 * and metric attributes): numbers and flags are kept; in ZRM header values
 * (but the safe headers'), bodies, status messages, message parameters and the
 * policy's content keys are replaced, URLs and query strings lose their values.
 */
export function cleanField(r: Redaction, key: string, value: unknown): unknown {
  if (
    value === undefined ||
    value === null ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  )
    return value;
  const header = headerName(key);
  if (header !== undefined) return cleanHeader(r, header, value);
  if (r.zrm && isContentKey(key)) return content(r, value);
  if (METADATA_KEYS.has(key)) return cleanValue(r, value);
  if (QUERY_KEYS.has(key)) return cleanQuery(r, value);
  if (typeof value === 'string' && isUrlKey(r, key)) return cleanUrl(r, value);
  return cleanKeyed(r, key, value);
}

/** An attribute map whose values are plain (span data, breadcrumb data, raw span and log attributes). */
export function cleanFields(r: Redaction, fields: unknown): unknown {
  if (!isRecord(fields)) return cleanValue(r, fields);
  const out: Fields = {};
  for (const key of Object.keys(fields)) out[key] = cleanField(r, key, fields[key]);
  return out;
}

/** An attribute map as serialized for an envelope: `{ key: { value, type, unit? } }`. */
export function cleanTypedFields(r: Redaction, fields: unknown): unknown {
  if (!isRecord(fields)) return cleanValue(r, fields);
  const out: Fields = {};
  for (const key of Object.keys(fields)) {
    const attribute = fields[key];
    if (!isRecord(attribute) || !('value' in attribute)) {
      out[key] = cleanField(r, key, attribute);
      continue;
    }
    const value = cleanField(r, key, attribute.value);
    out[key] =
      value === attribute.value
        ? attribute
        : { ...attribute, value, ...(typeof value === 'string' && { type: 'string' }) };
  }
  return out;
}
