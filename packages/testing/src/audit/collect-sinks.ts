import { stat } from 'node:fs/promises';
import { readDirectory, readFileFrom } from '../read-directory.js';
import { readPostgresTables } from '../read-history-tables.js';
import type { CapturedChunk, CapturedSink, OtlpReceiver } from '../types.js';
import { probeUrl } from './probe-url.js';
import type { AuditConfig, HistoryApiConfig, OrdinaryExpectation } from './types.js';

/** A sink to scan and what its ordinary content should look like. */
export interface AuditSink {
  sink: CapturedSink;
  expectOrdinary: OrdinaryExpectation;
}

async function get(
  config: AuditConfig,
  path: string,
  apiKey: string | undefined,
): Promise<{ status: number; body: Buffer }> {
  const headers: Record<string, string> = {};
  if (apiKey !== undefined) headers[config.apiKeyHeader] = apiKey;
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

/** The history as the service's own API shows it, for every API key the audit used. */
async function readHistoryApi(
  config: AuditConfig,
  history: HistoryApiConfig,
  apiKeys: readonly (string | undefined)[],
  notes: string[],
): Promise<CapturedSink> {
  const chunks: CapturedChunk[] = [];
  for (const [k, apiKey] of apiKeys.entries()) {
    const list = await get(config, history.listPath, apiKey);
    if (list.status < 200 || list.status >= 300) {
      notes.push(`history list answered ${list.status} for API key #${k + 1}`);
      continue;
    }
    chunks.push({ source: `GET ${history.listPath} (key #${k + 1})`, data: list.body });
    const ids = new Set<string>();
    try {
      collectIds(JSON.parse(list.body.toString('utf8')), history.idKey, ids);
    } catch {
      notes.push('history list is not JSON: items were not fetched');
    }
    for (const id of [...ids].slice(0, history.maxItems)) {
      for (const itemPath of history.itemPaths) {
        const path = itemPath.split('{id}').join(encodeURIComponent(id));
        const item = await get(config, path, apiKey);
        if (item.status >= 200 && item.status < 300)
          chunks.push({ source: `GET ${path}`, data: item.body });
      }
    }
  }
  return { name: 'history:api', chunks: () => chunks };
}

/** The byte offsets of the log files before the probes, so only new lines are scanned. */
export async function logOffsets(files: readonly string[]): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  for (const file of files) offsets.set(file, (await stat(file).catch(() => undefined))?.size ?? 0);
  return offsets;
}

/** Reads every configured sink after the probes. */
export async function collectSinks(
  config: AuditConfig,
  context: {
    startedAt: number;
    offsets: Map<string, number>;
    receiver: OtlpReceiver | undefined;
    apiKeys: readonly (string | undefined)[];
    notes: string[];
  },
): Promise<AuditSink[]> {
  const expect = config.expectOrdinary;
  const sinks: AuditSink[] = [];
  for (const file of config.logFiles) {
    if ((await stat(file).catch(() => undefined)) === undefined)
      context.notes.push(`log file not found: ${file}`);
    const sink = await readFileFrom(file, context.offsets.get(file) ?? 0);
    sinks.push({
      sink: { name: `log:${file}`, chunks: () => sink.chunks() },
      expectOrdinary: expect.logs,
    });
  }
  if (context.receiver !== undefined) {
    sinks.push({ sink: context.receiver.signal('traces'), expectOrdinary: expect.traces });
    sinks.push({ sink: context.receiver.signal('logs'), expectOrdinary: expect.otlpLogs });
    sinks.push({ sink: context.receiver.signal('metrics'), expectOrdinary: expect.metrics });
  }
  if (config.historyApi !== false) {
    const sink = await readHistoryApi(config, config.historyApi, context.apiKeys, context.notes);
    sinks.push({ sink, expectOrdinary: expect.history });
  }
  if (config.postgres !== false) {
    try {
      const tables = await readPostgresTables(
        config.postgres.url,
        config.postgres.tables ? { tables: config.postgres.tables } : {},
      );
      sinks.push({
        sink: { name: 'history:postgres', chunks: () => tables.chunks() },
        expectOrdinary: expect.history,
      });
    } catch {
      context.notes.push('the Postgres history could not be read (connection or query failed)');
      sinks.push({
        sink: { name: 'history:postgres', chunks: () => [] },
        expectOrdinary: expect.history,
      });
    }
  }
  for (const dir of config.tempDirs) {
    // one second of slack for file systems with coarse modification times
    const sink = await readDirectory(dir, { since: context.startedAt - 1000 });
    sinks.push({
      sink: { name: `temp:${dir}`, chunks: () => sink.chunks() },
      expectOrdinary: expect.temp,
    });
  }
  return sinks;
}
