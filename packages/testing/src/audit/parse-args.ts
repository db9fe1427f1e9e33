import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ZrmError } from '@zrm/core';
import { resolveAuditConfig } from './config.js';
import type { AuditConfig } from './types.js';

export interface CliOptions {
  help: boolean;
  json: boolean;
  quiet: boolean;
  config: AuditConfig | undefined;
}

function bad(param: string, message: string): ZrmError {
  return new ZrmError('invalid_request', `zrm-audit: ${message}`, { param });
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value)) throw bad(name, `--${name} must be a whole number.`);
  return Number(value);
}

async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw bad('config', 'the --config file could not be read.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bad('config', 'the --config file is not valid JSON.');
  }
}

/** Parses the command line into options and a finished config; throws a content-free `ZrmError` on bad input. */
export async function parseCliArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliOptions> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string', short: 'u' },
        config: { type: 'string', short: 'c' },
        'api-key': { type: 'string' },
        'api-key-header': { type: 'string' },
        'unentitled-api-key': { type: 'string' },
        'forced-api-key': { type: 'string' },
        param: { type: 'string', multiple: true },
        'log-file': { type: 'string', multiple: true },
        'temp-dir': { type: 'string', multiple: true },
        'otlp-port': { type: 'string' },
        'otlp-host': { type: 'string' },
        'skip-history-api': { type: 'boolean' },
        'postgres-url': { type: 'string' },
        'history-table': { type: 'string', multiple: true },
        'settle-ms': { type: 'string' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    throw bad('argv', `unknown or malformed option (${code || 'parse error'}); see --help.`);
  }
  const flags = {
    help: values.help === true,
    json: values.json === true,
    quiet: values.quiet === true,
  };
  if (flags.help) return { ...flags, config: undefined };

  const file = values.config === undefined ? undefined : await readConfigFile(values.config);
  const overrides: Record<string, unknown> = {};
  if (values.url !== undefined) overrides.baseUrl = values.url;
  const apiKey = values['api-key'] ?? env.ZRM_AUDIT_API_KEY;
  if (apiKey !== undefined) overrides.apiKey = apiKey;
  if (values['api-key-header'] !== undefined) overrides.apiKeyHeader = values['api-key-header'];
  if (values['unentitled-api-key'] !== undefined)
    overrides.unentitledApiKey = values['unentitled-api-key'];
  if (values['forced-api-key'] !== undefined) overrides.forcedApiKey = values['forced-api-key'];
  if (values.param !== undefined) {
    const params: Record<string, string> = {};
    for (const pair of values.param) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw bad('param', '--param takes name=value.');
      params[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    overrides.params = params;
  }
  if (values['log-file'] !== undefined) overrides.logFiles = values['log-file'];
  if (values['temp-dir'] !== undefined) overrides.tempDirs = values['temp-dir'];
  const otlpPort = values['otlp-port'];
  if (otlpPort === 'off') overrides.otlp = false;
  else if (otlpPort !== undefined || values['otlp-host'] !== undefined) {
    const port = integer('otlp-port', otlpPort);
    overrides.otlp = {
      ...(port === undefined ? {} : { port }),
      ...(values['otlp-host'] === undefined ? {} : { host: values['otlp-host'] }),
    };
  }
  if (values['skip-history-api'] === true) overrides.historyApi = false;
  if (values['postgres-url'] !== undefined) {
    overrides.postgres = {
      url: values['postgres-url'],
      ...(values['history-table'] === undefined ? {} : { tables: values['history-table'] }),
    };
  }
  const settle = integer('settle-ms', values['settle-ms']);
  if (settle !== undefined) overrides.settleMs = settle;
  const timeout = integer('timeout-ms', values['timeout-ms']);
  if (timeout !== undefined) overrides.timeoutMs = timeout;
  return { ...flags, config: resolveAuditConfig(file, overrides) };
}
