import type { ServerResponse } from 'node:http';

const ENFORCED: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'zero-retention': 'enforced',
};

const enforced = (name: string): string | undefined => ENFORCED[name.toLowerCase()];

/**
 * A ZRM response carries `Cache-Control: no-store` and `Zero-Retention:
 * enforced` whatever the handler sets: both are set now, and `setHeader`,
 * `appendHeader` and `removeHeader` (which `writeHead(status, headers)` goes
 * through once a header was set) keep them.
 */
export function enforceZrmHeaders(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  const appendHeader = res.appendHeader.bind(res);
  const removeHeader = res.removeHeader.bind(res);
  for (const [name, value] of Object.entries(ENFORCED)) setHeader(name, value);
  res.setHeader = (name, value) => setHeader(name, enforced(name) ?? value);
  res.appendHeader = (name, value) => {
    const kept = enforced(name);
    return kept === undefined ? appendHeader(name, value) : setHeader(name, kept);
  };
  res.removeHeader = (name) => {
    if (enforced(name) === undefined) removeHeader(name);
  };
}
