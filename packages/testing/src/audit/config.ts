import { AuditError } from './audit-error.js';
import { defaultAuditConfig } from './default-config.js';
import type { OtlpSignal } from '../types.js';
import type { AuditConfig, HistoryApiConfig, OrdinaryExpectation, ProbeConfig } from './types.js';

const NAME = /^[A-Za-z0-9-]{1,32}$/;
const BODIES = new Set(['json', 'multipart', 'websocket', 'none']);
const EXPECTATIONS = new Set(['any', 'all', 'bytes', 'none']);
const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];
const SIGNAL_EXPECTATION = { traces: 'traces', logs: 'otlpLogs', metrics: 'metrics' } as const;
const KEYS = new Set(
  Object.keys(defaultAuditConfig()).concat('apiKey', 'unentitledApiKey', 'forcedApiKey'),
);

function invalid(param: string, message: string): AuditError {
  return new AuditError('config_invalid', `zrm-audit config: ${message}`, { param });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkProbe(probe: ProbeConfig, i: number, params: Record<string, string>): void {
  const at = `probes[${i}]`;
  if (!isObject(probe)) throw invalid(at, `${at} must be an object.`);
  if (typeof probe.name !== 'string' || !NAME.test(probe.name)) {
    throw invalid(`${at}.name`, `${at}.name must be 1-32 letters, digits or "-".`);
  }
  if (typeof probe.path !== 'string' || !probe.path.startsWith('/')) {
    throw invalid(`${at}.path`, `${at}.path must start with "/".`);
  }
  for (const [, name] of probe.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
    if (typeof params[name!] !== 'string')
      throw invalid(
        `params.${name}`,
        `${at}.path needs a value for "{${name}}" (params or --param).`,
      );
  }
  if (!BODIES.has(probe.body))
    throw invalid(`${at}.body`, `${at}.body must be json, multipart, websocket or none.`);
  if (probe.body === 'websocket' && !Array.isArray(probe.messages)) {
    throw invalid(`${at}.messages`, `${at} is a websocket probe and needs "messages".`);
  }
  if (probe.closeOn !== undefined && !isObject(probe.closeOn))
    throw invalid(`${at}.closeOn`, `${at}.closeOn must be an object of field values.`);
  if (probe.forcedZeroRetention !== undefined && typeof probe.forcedZeroRetention !== 'boolean')
    throw invalid(`${at}.forcedZeroRetention`, `${at}.forcedZeroRetention must be a boolean.`);
}

function checkExpectation(sink: string, value: OrdinaryExpectation, probes: Set<string>): void {
  const param = `expectOrdinary.${sink}`;
  if (typeof value === 'string' && EXPECTATIONS.has(value)) return;
  if (!Array.isArray(value) || value.length === 0)
    throw invalid(param, `${param} must be any, all, bytes, none or a list of probe names.`);
  for (const name of value) {
    if (typeof name !== 'string' || !probes.has(name))
      throw invalid(param, `${param} lists a name that is not a probe of the matrix.`);
  }
}

function checkOtlp(otlp: AuditConfig['otlp']): void {
  if (otlp === false) return;
  const { port, host, signals } = otlp;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw invalid('otlp.port', 'the OTLP port must be 0-65535.');
  if (typeof host !== 'string' || host === '')
    throw invalid('otlp.host', 'otlp.host must be a host name or address.');
  if (
    !Array.isArray(signals) ||
    signals.length === 0 ||
    signals.some((s) => !SIGNALS.includes(s)) ||
    new Set(signals).size !== signals.length
  ) {
    throw invalid('otlp.signals', 'otlp.signals must list traces, logs and/or metrics, each once.');
  }
}

function checkSentry(sentry: AuditConfig['sentry']): void {
  if (sentry === false) return;
  if (!isObject(sentry)) throw invalid('sentry', '"sentry" must be false or { host, port }.');
  if (!Number.isInteger(sentry.port) || sentry.port < 0 || sentry.port > 65_535)
    throw invalid('sentry.port', 'the Sentry receiver port must be 0-65535.');
  if (typeof sentry.host !== 'string' || sentry.host === '')
    throw invalid('sentry.host', 'sentry.host must be a host name or address.');
}

function checkHistoryApi(history: AuditConfig['historyApi']): void {
  if (history === false) return;
  const shape = '"historyApi" must be false or { listPath, idKey, itemPaths, maxItems }';
  if (!isObject(history)) throw invalid('historyApi', `${shape}.`);
  const { listPath, idKey, itemPaths, maxItems } = history as Partial<HistoryApiConfig>;
  if (typeof listPath !== 'string' || !listPath.startsWith('/'))
    throw invalid('historyApi.listPath', `${shape}: listPath must start with "/".`);
  if (typeof idKey !== 'string' || idKey === '')
    throw invalid('historyApi.idKey', `${shape}: idKey must name the JSON key of an item's id.`);
  if (
    !Array.isArray(itemPaths) ||
    itemPaths.some((path) => typeof path !== 'string' || !path.startsWith('/'))
  )
    throw invalid('historyApi.itemPaths', `${shape}: itemPaths must be a list of paths.`);
  if (!Number.isInteger(maxItems) || maxItems! < 1 || maxItems! > 100_000)
    throw invalid('historyApi.maxItems', `${shape}: maxItems must be a whole number, 1-100000.`);
}

function merge(base: AuditConfig, patch: Record<string, unknown>): AuditConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  return out as unknown as AuditConfig;
}

/**
 * Checks a finished config and returns it with an empty `flagProbe` filled in
 * (the first probe not forced into ZRM); throws a content-free `AuditError`
 * naming the first bad key: `config_invalid`, or `usage` when it has no probes.
 */
export function validateAuditConfig(config: AuditConfig): AuditConfig {
  let url: URL;
  try {
    url = new URL(config.baseUrl);
  } catch {
    throw invalid(
      'baseUrl',
      'the service URL is missing or not a URL (use --url http://127.0.0.1:3000).',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('baseUrl', 'the service URL must be http: or https:.');
  }
  if (!isObject(config.params) || Object.values(config.params).some((v) => typeof v !== 'string'))
    throw invalid('params', '"params" must map names to strings.');
  if (!Array.isArray(config.probes)) throw invalid('probes', '"probes" must be a list.');
  if (config.probes.length === 0) {
    // nothing to audit: a usage error, as there is no built-in matrix to fall back on
    throw new AuditError(
      'usage',
      'zrm-audit config: no probes: the config key "probes" must list at least one endpoint of the service (pass --config <file.json>; see the README).',
      { param: 'probes' },
    );
  }
  config.probes.forEach((probe, i) => checkProbe(probe, i, config.params));
  const names = new Set(config.probes.map((p) => p.name));
  if (names.size !== config.probes.length) throw invalid('probes', 'probe names must be unique.');
  if (!Array.isArray(config.flagRows)) throw invalid('flagRows', '"flagRows" must be a list.');
  if (typeof config.flagProbe !== 'string')
    throw invalid('flagProbe', '"flagProbe" must be a probe name.');
  // no flag probe named: the first probe of the matrix whose policy does not force ZRM (the
  // flag table's ordinary rows cannot be ordinary there), else the first probe
  const first = config.probes.find((p) => p.forcedZeroRetention !== true) ?? config.probes[0]!;
  const flagProbe = config.flagProbe === '' ? first.name : config.flagProbe;
  if (config.flagRows.length > 0 && !names.has(flagProbe)) {
    throw invalid('flagProbe', '"flagProbe" must name a probe of the matrix.');
  }
  checkOtlp(config.otlp);
  checkSentry(config.sentry);
  checkHistoryApi(config.historyApi);
  for (const key of ['logFiles', 'stdoutFiles', 'tempDirs'] as const) {
    const list: unknown = config[key];
    if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || f === ''))
      throw invalid(key, `"${key}" must be a list of paths.`);
  }
  if (!isObject(config.expectOrdinary))
    throw invalid('expectOrdinary', '"expectOrdinary" must be an object.');
  for (const [sink, value] of Object.entries(config.expectOrdinary))
    checkExpectation(sink, value, names);
  for (const [name, max] of [
    ['waitMs', 600_000],
    ['settleMs', 600_000],
    ['timeoutMs', 600_000],
  ] as const) {
    const value = config[name];
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw invalid(name, `${name} must be a whole number of milliseconds, 0-${max}.`);
  }
  if (typeof config.apiKeyHeader !== 'string' || !/^[A-Za-z0-9-]+$/.test(config.apiKeyHeader)) {
    throw invalid('apiKeyHeader', 'the API key header must be a header name.');
  }
  if (typeof config.apiKeyScheme !== 'string' || !/^[A-Za-z0-9._~+-]*$/.test(config.apiKeyScheme)) {
    throw invalid(
      'apiKeyScheme',
      'the API key scheme must be one word (Bearer) or "" for the bare key.',
    );
  }
  return { ...config, flagProbe };
}

/**
 * The OTLP signals a config asks for when it names none: traces, plus logs
 * and metrics when its `expectOrdinary` names them (the meaning such a config
 * had before `otlp.signals` existed).
 */
function impliedSignals(layers: readonly Record<string, unknown>[]): OtlpSignal[] {
  const signals: OtlpSignal[] = ['traces'];
  for (const signal of ['logs', 'metrics'] as const) {
    const named = layers.some((layer) => {
      const expect = layer.expectOrdinary;
      const value = isObject(expect) ? expect[SIGNAL_EXPECTATION[signal]] : undefined;
      return value !== undefined && value !== 'none';
    });
    if (named) signals.push(signal);
  }
  return signals;
}

/**
 * The generic defaults (`defaultAuditConfig()`), overlaid with a config file's
 * object, then with command-line options. The probes come from the file: a
 * config without any is a `usage` error (exit 2 on the command line) naming the
 * key `probes`.
 */
export function resolveAuditConfig(
  file: unknown,
  overrides: Record<string, unknown> = {},
): AuditConfig {
  if (file !== undefined && !isObject(file))
    throw invalid('config', 'the config file must hold a JSON object.');
  const layers = [file ?? {}, overrides];
  for (const layer of layers) {
    const unknown = Object.keys(layer).find((key) => !KEYS.has(key));
    if (unknown !== undefined)
      throw invalid(
        unknown.slice(0, 40),
        `unknown key "${unknown.replace(/[^A-Za-z0-9_-]/g, '?').slice(0, 40)}".`,
      );
  }
  const config = merge(merge(defaultAuditConfig(), layers[0]!), overrides);
  // a partial `otlp` object from a file or flag keeps the defaults it does not name
  if (config.otlp !== false) {
    const given = config.otlp as Partial<{ host: string; port: number; signals: OtlpSignal[] }>;
    const named = layers.some((l) => isObject(l.otlp) && 'signals' in l.otlp);
    config.otlp = {
      host: '127.0.0.1',
      port: 4318,
      ...given,
      signals: named ? given.signals! : impliedSignals(layers),
    };
  }
  // a `historyApi` object without maxItems fetches at most 200 items
  const history: unknown = config.historyApi;
  if (isObject(history) && !('maxItems' in history))
    config.historyApi = { ...history, maxItems: 200 } as unknown as AuditConfig['historyApi'];
  // a `sentry` object without a host (`--sentry-port` alone) listens on loopback
  if (isObject(config.sentry))
    config.sentry = {
      host: '127.0.0.1',
      port: 0,
      ...(config.sentry as Partial<{ host: string; port: number }>),
    };
  return validateAuditConfig(config);
}

export { SIGNAL_EXPECTATION };
