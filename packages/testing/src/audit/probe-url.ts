import { ZrmError } from '@zrm/core';
import type { AuditConfig } from './types.js';

/** Base URL + path with `{name}` placeholders filled + an extra raw query. */
export function probeUrl(
  baseUrl: string,
  path: string,
  params: Record<string, string>,
  query: string,
): URL {
  const filled = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new ZrmError(
        'invalid_request',
        `zrm-audit config: no value for the path parameter "${name}".`,
        {
          param: `params.${name}`,
        },
      );
    }
    return encodeURIComponent(value);
  });
  const joined = query === '' ? filled : `${filled}${filled.includes('?') ? '&' : '?'}${query}`;
  return new URL(joined, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

/** The header carrying an API key (`authorization: Bearer <key>` by default); none without a key. */
export function apiKeyHeaders(
  config: Pick<AuditConfig, 'apiKeyHeader' | 'apiKeyScheme'>,
  key: string | undefined,
): Record<string, string> {
  if (key === undefined) return {};
  const value = config.apiKeyScheme === '' ? key : `${config.apiKeyScheme} ${key}`;
  return { [config.apiKeyHeader]: value };
}

/** Sets `value` at a dot path inside a copy of `fields`. */
export function withField(
  fields: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const out = structuredClone(fields);
  const keys = path.split('.');
  let node: Record<string, unknown> = out;
  keys.slice(0, -1).forEach((key) => {
    const next = node[key];
    node =
      typeof next === 'object' && next !== null
        ? (next as Record<string, unknown>)
        : (node[key] = {});
  });
  node[keys[keys.length - 1] ?? path] = value;
  return out;
}

/** Reads a dot path from parsed JSON. */
export function readField(json: unknown, path: string): unknown {
  let node = json;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Replaces `{{text}}` (and `{{audio_base64}}`) inside every string of a JSON-like value. */
export function fillTemplate(value: unknown, text: string, audioBase64 = ''): unknown {
  if (typeof value === 'string')
    return value.split('{{text}}').join(text).split('{{audio_base64}}').join(audioBase64);
  if (Array.isArray(value)) return value.map((item) => fillTemplate(item, text, audioBase64));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fillTemplate(v, text, audioBase64)]),
    );
  }
  return value;
}
