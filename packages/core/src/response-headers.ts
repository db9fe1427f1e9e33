import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

const OVERRIDDEN = new Set(['cache-control', 'zero-retention']);

function withoutOverridden(headers: unknown): unknown {
  if (Array.isArray(headers)) {
    const out: unknown[] = [];
    // raw form: [name, value, name, value, ...] or [[name, value], ...]
    if (headers.length > 0 && Array.isArray(headers[0])) {
      return (headers as unknown[][]).filter(
        (pair) => !OVERRIDDEN.has(String(pair[0]).toLowerCase()),
      );
    }
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (!OVERRIDDEN.has(String(headers[i]).toLowerCase())) out.push(headers[i], headers[i + 1]);
    }
    return out;
  }
  if (typeof headers !== 'object' || headers === null) return headers;
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
    if (!OVERRIDDEN.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

function setZrmHeaders(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Zero-Retention', 'enforced');
}

/**
 * A ZRM response carries `Cache-Control: no-store` and `Zero-Retention: enforced`,
 * whatever the handler or framework set in between: they are set now and again
 * when the head is written (`writeHead`, which Node calls for every response,
 * also implicitly), where any other value given for them is dropped.
 */
export function enforceZeroRetentionHeaders(res: ServerResponse): void {
  setZrmHeaders(res);
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = (...args: unknown[]): ServerResponse => {
    if (!res.headersSent) {
      setZrmHeaders(res);
      const last = args.length - 1;
      if (last >= 1 && typeof args[last] === 'object') args[last] = withoutOverridden(args[last]);
    }
    return writeHead(...args);
  };
}
