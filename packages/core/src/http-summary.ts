/**
 * Node's http objects are graphs (socket, server, parser): walking them is slow and
 * pointless. pino maps a logged `req`/`res` itself; in ZRM zrm maps them first to the
 * same metadata, which the redactor then cleans (URL query values, credentials).
 */
interface RequestLike {
  method?: unknown;
  url?: unknown;
  originalUrl?: unknown;
  headers?: unknown;
  socket?: { remoteAddress?: unknown; remotePort?: unknown } | null;
  id?: unknown;
}

interface ResponseLike {
  statusCode?: unknown;
  setHeader?: unknown;
  getHeaders?: () => unknown;
}

/** pino's own test for a request (see pino's `LOG`). */
export function isHttpRequest(value: object): boolean {
  const v = value as RequestLike;
  return Boolean(v.method && v.headers && v.socket);
}

export function isHttpResponse(value: object): boolean {
  return typeof (value as ResponseLike).setHeader === 'function';
}

export function requestSummary(value: object): Record<string, unknown> {
  const req = value as RequestLike;
  const id = typeof req.id === 'function' ? undefined : req.id;
  return {
    id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    headers: req.headers,
    remoteAddress: req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

export function responseSummary(value: object): Record<string, unknown> {
  const res = value as ResponseLike;
  return {
    statusCode: res.statusCode,
    headers: typeof res.getHeaders === 'function' ? res.getHeaders() : undefined,
  };
}

/** A summary for http objects, the value itself for anything else. */
export function summarizeHttp(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isHttpRequest(value)) return requestSummary(value);
  if (isHttpResponse(value)) return responseSummary(value);
  return value;
}
