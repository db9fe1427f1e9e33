import type { ConformanceRequest, Observed } from './types.js';

/**
 * The raw query string of a request: its `enable_logging` values, the other
 * pairs, the query canary; `flag: false` leaves the flag out, `canary: false` the canary.
 */
export function queryOf(request: ConformanceRequest, { flag = true, canary = true } = {}): string {
  const flags = flag ? request.enableLogging.map((value) => `enable_logging=${value}`) : [];
  const text = canary ? [`text=${request.canaries.query}`] : [];
  return [...flags, request.query, ...text].filter((part) => part !== '').join('&');
}

/** The JSON body (or message) of a request: the row's fields and the body canary. */
export const bodyOf = (request: ConformanceRequest): Record<string, unknown> => ({
  ...request.body,
  text: request.canaries.body,
});

/** The code and param of a JSON error body `{ error: { code, param? } }`, if it is one. */
export function errorOf(text: string): { code?: string; param?: string } {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; param?: unknown } };
    return {
      code: typeof error?.code === 'string' ? error.code : undefined,
      param: typeof error?.param === 'string' ? error.param : undefined,
    };
  } catch {
    return {};
  }
}

/** Reads a handler's answer `{ zeroRetention }` or an error body into what the suite compares. */
export function observeHttp(
  status: number,
  text: string,
  header: (name: string) => string | null,
): Observed {
  const served = status === 200;
  const mode = served
    ? (JSON.parse(text) as { zeroRetention: boolean }).zeroRetention
      ? 'zrm'
      : 'ordinary'
    : undefined;
  const error = served ? {} : errorOf(text);
  return {
    status,
    mode,
    code: error.code,
    param: error.param,
    closeCode: undefined,
    errorText: served ? undefined : text,
    zeroRetentionHeader: header('zero-retention'),
    cacheControl: header('cache-control'),
  };
}

/** POSTs the request's JSON body to `base` + its query with fetch, and reads the answer. */
export async function postJson(base: string, request: ConformanceRequest): Promise<Observed> {
  const query = queryOf(request);
  const response = await fetch(`${base}/conformance${query === '' ? '' : `?${query}`}`, {
    method: 'POST',
    headers: {
      ...request.headers,
      'content-type': 'application/json',
      'x-request-id': request.id,
    },
    body: JSON.stringify(bodyOf(request)),
  });
  const text = await response.text();
  return observeHttp(response.status, text, (name) => response.headers.get(name));
}
