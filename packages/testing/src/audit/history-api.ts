import type { CapturedChunk } from '../types.js';
import { apiKeyHeaders, probeUrl, readField } from './probe-url.js';
import type { ApiKeyRole, AuditConfig, HistoryApiConfig } from './types.js';

/** An API key the audit used, with the role it played. */
export interface UsedApiKey {
  role: ApiKeyRole;
  key: string | undefined;
}

const ROLE: Record<ApiKeyRole, string> = {
  default: 'the default API key (--api-key)',
  unentitled: 'the API key not entitled to ZRM (--unentitled-api-key)',
  forced: 'the API key that policy forces into ZRM (--forced-api-key)',
};

async function get(
  config: AuditConfig,
  path: string,
  apiKey: string | undefined,
): Promise<{ status: number; body: Buffer }> {
  const headers = apiKeyHeaders(config, apiKey);
  try {
    const response = await fetch(probeUrl(config.baseUrl, path, config.params, ''), {
      headers,
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  } catch {
    return { status: 0, body: Buffer.alloc(0) };
  }
}

function collectIds(json: unknown, key: string, out: Set<string>, depth = 0): void {
  if (depth > 16 || typeof json !== 'object' || json === null) return;
  if (Array.isArray(json)) {
    for (const item of json) collectIds(item, key, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(json)) {
    if (k === key && (typeof v === 'string' || typeof v === 'number')) out.add(String(v));
    else collectIds(v, key, out, depth + 1);
  }
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Why a history list was refused, in words a reviewer can check against the design. */
function refusal(
  history: HistoryApiConfig,
  used: UsedApiKey,
  status: number,
  body: Buffer,
): string {
  const code = readField(parse(body), 'error.code');
  const path = history.listPath.split('?')[0];
  const answer =
    status === 0
      ? 'did not answer'
      : `answered ${status}${typeof code === 'string' ? ` ${code}` : ''}`;
  if (used.role === 'forced' && status === 400 && code === 'zero_retention_unavailable') {
    return (
      `history: GET ${path} ${answer} to ${ROLE.forced}, as the design says it must: a request in ` +
      "ZRM may not read history. That tenant's history could not be listed through the API, so its " +
      'requests were checked in the other sinks only (--postgres-url reads the history store itself).'
    );
  }
  return (
    `history: GET ${path} ${answer} to ${ROLE[used.role]}: that key's history was not read` +
    (used.role === 'default'
      ? ', so history:api cannot show the ordinary content it should keep.'
      : '.')
  );
}

/** The history as the service's own API shows it, for every API key the audit used. */
export async function readHistoryApi(
  config: AuditConfig,
  history: HistoryApiConfig,
  keys: readonly UsedApiKey[],
): Promise<{ chunks: CapturedChunk[]; notes: string[] }> {
  const chunks: CapturedChunk[] = [];
  const notes: string[] = [];
  for (const [k, used] of keys.entries()) {
    const list = await get(config, history.listPath, used.key);
    if (list.status < 200 || list.status >= 300) {
      notes.push(refusal(history, used, list.status, list.body));
      continue;
    }
    chunks.push({
      source: `GET ${history.listPath} (key #${k + 1}, ${used.role})`,
      data: list.body,
    });
    const ids = new Set<string>();
    const json = parse(list.body);
    if (json === undefined)
      notes.push(
        `history: the list answered to ${ROLE[used.role]} is not JSON, so its items were not fetched (only the list itself was scanned).`,
      );
    collectIds(json, history.idKey, ids);
    for (const id of [...ids].slice(0, history.maxItems)) {
      for (const itemPath of history.itemPaths) {
        const path = itemPath.split('{id}').join(encodeURIComponent(id));
        const item = await get(config, path, used.key);
        if (item.status >= 200 && item.status < 300)
          chunks.push({ source: `GET ${path}`, data: item.body });
      }
    }
    if (ids.size > history.maxItems)
      notes.push(
        `history: ${ids.size} items listed to ${ROLE[used.role]}; only the first ${history.maxItems} were fetched (historyApi.maxItems).`,
      );
  }
  return { chunks, notes };
}
