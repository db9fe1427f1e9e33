import { ZrmError } from '@zrm/core';
import { defaultAuditConfig } from './default-config.js';
import type { AuditConfig, OrdinaryExpectation, ProbeConfig } from './types.js';

const NAME = /^[A-Za-z0-9-]{1,32}$/;
const BODIES = new Set(['json', 'multipart', 'websocket', 'none']);
const EXPECTATIONS = new Set<OrdinaryExpectation>(['any', 'all', 'none']);

function invalid(param: string, message: string): ZrmError {
  return new ZrmError('invalid_request', `zrm-audit config: ${message}`, { param });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkProbe(probe: ProbeConfig, i: number): void {
  const at = `probes[${i}]`;
  if (!isObject(probe)) throw invalid(at, `${at} must be an object.`);
  if (typeof probe.name !== 'string' || !NAME.test(probe.name)) {
    throw invalid(`${at}.name`, `${at}.name must be 1-32 letters, digits or "-".`);
  }
  if (typeof probe.path !== 'string' || !probe.path.startsWith('/')) {
    throw invalid(`${at}.path`, `${at}.path must start with "/".`);
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

function merge(base: AuditConfig, patch: Record<string, unknown>): AuditConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  return out as unknown as AuditConfig;
}

/** Checks a finished config; throws a content-free `ZrmError` naming the first bad option. */
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
  if (!Array.isArray(config.probes) || config.probes.length === 0) {
    throw invalid('probes', '"probes" must be a non-empty list.');
  }
  config.probes.forEach(checkProbe);
  const flag = config.probes.find((p) => p.name === config.flagProbe);
  if (config.flagRows.length > 0 && flag === undefined) {
    throw invalid('flagProbe', '"flagProbe" must name a probe of the matrix.');
  }
  if (config.otlp !== false) {
    const { port } = config.otlp;
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw invalid('otlp.port', 'the OTLP port must be 0-65535.');
  }
  for (const [sink, value] of Object.entries(config.expectOrdinary)) {
    if (!EXPECTATIONS.has(value))
      throw invalid(`expectOrdinary.${sink}`, 'an expectation must be any, all or none.');
  }
  for (const name of ['settleMs', 'timeoutMs'] as const) {
    const value = config[name];
    if (!Number.isInteger(value) || value < 0 || value > 600_000)
      throw invalid(name, `${name} must be 0-600000.`);
  }
  if (typeof config.apiKeyHeader !== 'string' || !/^[A-Za-z0-9-]+$/.test(config.apiKeyHeader)) {
    throw invalid('apiKeyHeader', 'the API key header must be a header name.');
  }
  return config;
}

/** The default voice-API matrix, overlaid with a config file's object, then with command-line options. */
export function resolveAuditConfig(
  file: unknown,
  overrides: Record<string, unknown> = {},
): AuditConfig {
  if (file !== undefined && !isObject(file))
    throw invalid('config', 'the config file must hold a JSON object.');
  const config = merge(merge(defaultAuditConfig(), file ?? {}), overrides);
  // a partial `otlp` object from a file or flag keeps the defaults it does not name
  if (config.otlp !== false)
    config.otlp = {
      host: '127.0.0.1',
      port: 4318,
      ...(config.otlp as Partial<{ host: string; port: number }>),
    };
  return validateAuditConfig(config);
}
