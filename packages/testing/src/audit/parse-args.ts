import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { AuditError } from './audit-error.js';
import { resolveAuditConfig } from './config.js';
import type { AuditConfig } from './types.js';

export interface CliOptions {
  help: boolean;
  json: boolean;
  quiet: boolean;
  /** Report files to write (`.html`/`.htm` → HTML, `.md` → Markdown). */
  reports: string[];
  config: AuditConfig | undefined;
}

const OPTIONS = {
  url: { type: 'string', short: 'u' },
  config: { type: 'string', short: 'c' },
  'api-key': { type: 'string' },
  'api-key-header': { type: 'string' },
  'api-key-scheme': { type: 'string' },
  'unentitled-api-key': { type: 'string' },
  'forced-api-key': { type: 'string' },
  param: { type: 'string', multiple: true },
  'log-file': { type: 'string', multiple: true },
  'stdout-file': { type: 'string', multiple: true },
  'temp-dir': { type: 'string', multiple: true },
  'sentry-port': { type: 'string' },
  'otlp-port': { type: 'string' },
  'otlp-host': { type: 'string' },
  'otlp-signals': { type: 'string' },
  'skip-history-api': { type: 'boolean' },
  'postgres-url': { type: 'string' },
  'history-table': { type: 'string', multiple: true },
  'wait-ms': { type: 'string' },
  'settle-ms': { type: 'string' },
  'timeout-ms': { type: 'string' },
  report: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const SHORT = new Map<string, string>(
  Object.entries(OPTIONS).flatMap(([name, o]) => ('short' in o ? [[o.short, name]] : [])),
);

function usage(param: string, message: string): AuditError {
  return new AuditError('usage', `zrm-audit: ${message}`, { param });
}

/** An option's name as typed (`--frobnicate`, `-x`), or a placeholder when it is not a plain name. */
function optionName(arg: string): string {
  const name = arg.split('=')[0] ?? '';
  return /^--?[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(name) ? name : 'an option';
}

/** Which argument node's parser rejected, named, without echoing any value. */
function parseError(argv: readonly string[], code: string): AuditError {
  const known = (arg: string): boolean => {
    const name = (arg.split('=')[0] ?? '').replace(/^--?/, '');
    return arg.startsWith('--') ? name in OPTIONS : [...name].every((c) => SHORT.has(c));
  };
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const stop = argv.indexOf('--');
    const args = stop === -1 ? argv : argv.slice(0, stop);
    const arg = args.find((a) => a.startsWith('-') && a !== '-' && !known(a));
    const name = arg === undefined ? 'an option' : optionName(arg);
    return new AuditError(
      'unknown_option',
      `zrm-audit: unknown option ${name === 'an option' ? '(not a plain option name)' : `"${name}"`}; see --help.`,
      { param: name === 'an option' ? 'argv' : name },
    );
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return usage(
      'argv',
      'unexpected argument: every value follows its option (--url <url>); see --help.',
    );
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    for (const [i, arg] of argv.entries()) {
      if (!arg.startsWith('-') || !known(arg)) continue;
      const key = arg.startsWith('--')
        ? (arg.slice(2).split('=')[0] ?? '')
        : SHORT.get(arg.slice(-1));
      const type = (OPTIONS[key as keyof typeof OPTIONS] as { type: string } | undefined)?.type;
      const name = optionName(arg);
      const next = argv[i + 1];
      if (type === 'boolean' && arg.includes('='))
        return usage(name, `${name} takes no value; see --help.`);
      if (type === 'string' && !arg.includes('=') && (next === undefined || next.startsWith('-')))
        return usage(
          name,
          `${name} needs a value (a value that starts with "-" goes as ${name}=<value>); see --help.`,
        );
    }
  }
  return usage('argv', 'malformed options; see --help.');
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value)) throw usage(name, `--${name} must be a whole number.`);
  return Number(value);
}

function signals(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim());
  if (
    list.some((s) => !['traces', 'logs', 'metrics'].includes(s)) ||
    new Set(list).size !== list.length
  )
    throw usage(
      'otlp-signals',
      '--otlp-signals takes a list of traces, logs and metrics, e.g. traces,logs.',
    );
  return list;
}

function checkReportPath(path: string): void {
  if (!/\.(html?|md)$/i.test(path))
    throw usage(
      'report',
      '--report must name a .html or .md file (the extension chooses the format).',
    );
}

async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new AuditError('config_unreadable', 'zrm-audit: the --config file could not be read.', {
      param: 'config',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AuditError('config_invalid', 'zrm-audit: the --config file is not valid JSON.', {
      param: 'config',
    });
  }
}

/** Parses the command line into options and a finished config; throws a content-free `AuditError` on bad input. */
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
      options: OPTIONS,
    }));
  } catch (error) {
    throw parseError(argv, (error as { code?: string }).code ?? '');
  }
  const flags = {
    help: values.help === true,
    json: values.json === true,
    quiet: values.quiet === true,
    reports: values.report ?? [],
  };
  if (flags.help) return { ...flags, config: undefined };
  flags.reports.forEach(checkReportPath);

  const file = values.config === undefined ? undefined : await readConfigFile(values.config);
  const overrides: Record<string, unknown> = {};
  if (values.url !== undefined) {
    if (!URL.canParse(values.url) || !/^https?:$/.test(new URL(values.url).protocol))
      throw usage('url', '--url must be an http: or https: URL such as http://127.0.0.1:3000.');
    overrides.baseUrl = values.url;
  } else if (typeof (file as { baseUrl?: unknown } | undefined)?.baseUrl !== 'string') {
    throw usage(
      'url',
      'no service URL: pass --url http://127.0.0.1:3000 (or "baseUrl" in --config); see --help.',
    );
  }
  const apiKey = values['api-key'] ?? env.ZRM_AUDIT_API_KEY;
  if (apiKey !== undefined) overrides.apiKey = apiKey;
  if (values['api-key-header'] !== undefined) overrides.apiKeyHeader = values['api-key-header'];
  if (values['api-key-scheme'] !== undefined) overrides.apiKeyScheme = values['api-key-scheme'];
  if (values['unentitled-api-key'] !== undefined)
    overrides.unentitledApiKey = values['unentitled-api-key'];
  if (values['forced-api-key'] !== undefined) overrides.forcedApiKey = values['forced-api-key'];
  if (values.param !== undefined) {
    const params: Record<string, string> = {};
    for (const pair of values.param) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw usage('param', '--param takes name=value.');
      params[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    overrides.params = params;
  }
  if (values['log-file'] !== undefined) overrides.logFiles = values['log-file'];
  if (values['stdout-file'] !== undefined) overrides.stdoutFiles = values['stdout-file'];
  if (values['temp-dir'] !== undefined) overrides.tempDirs = values['temp-dir'];
  const sentryPort = values['sentry-port'];
  if (sentryPort === 'off') overrides.sentry = false;
  else if (sentryPort !== undefined)
    overrides.sentry = { port: integer('sentry-port', sentryPort) };
  const otlpPort = values['otlp-port'];
  if (otlpPort === 'off') overrides.otlp = false;
  else if (
    otlpPort !== undefined ||
    values['otlp-host'] !== undefined ||
    values['otlp-signals'] !== undefined
  ) {
    const port = integer('otlp-port', otlpPort);
    const list = signals(values['otlp-signals']);
    overrides.otlp = {
      ...(port === undefined ? {} : { port }),
      ...(values['otlp-host'] === undefined ? {} : { host: values['otlp-host'] }),
      ...(list === undefined ? {} : { signals: list }),
    };
  }
  if (values['skip-history-api'] === true) overrides.historyApi = false;
  if (values['postgres-url'] !== undefined) {
    overrides.postgres = {
      url: values['postgres-url'],
      ...(values['history-table'] === undefined ? {} : { tables: values['history-table'] }),
    };
  }
  for (const [flag, key] of [
    ['wait-ms', 'waitMs'],
    ['settle-ms', 'settleMs'],
    ['timeout-ms', 'timeoutMs'],
  ] as const) {
    const value = integer(flag, values[flag]);
    if (value !== undefined) overrides[key] = value;
  }
  return { ...flags, config: resolveAuditConfig(file, overrides) };
}
