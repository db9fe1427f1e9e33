#!/usr/bin/env node
// only node:util before `instrument()`: the app (express, fastify, pino) is imported after it
import { parseArgs } from 'node:util';

const HELP = `voice-api — the zrm example service

Usage: voice-api [options]

  --framework express|fastify   web framework (default: express)
  --host HOST                   address to listen on (default: 127.0.0.1)
  --port N                      port (default: 3000; 0 picks a free one)
  --config FILE                 tenants file (default: config/tenants.json)
  --log-file FILE               pino log file (default: a file in the temp dir)
  --stdout                      also log to stdout
  --otlp URL                    OTLP/HTTP endpoint (default: http://127.0.0.1:4318)
  --history-dir DIR             embedded Postgres directory (default: in memory)
  --leaky                       test-only: run WITHOUT zrm (plain pino, no span/log
                                processors, unguarded history, uploads on disk, no
                                console guard, Sentry without zeroRetentionIntegration)
                                to see zrm-audit fail
  --help                        this text

Environment:
  SENTRY_DSN                    report errors, breadcrumbs, console logs and traces
                                to Sentry (off when unset)
  VOICE_API_LEAKY=sentry,console
                                test-only: leave out only Sentry's
                                zeroRetentionIntegration / only guardConsole

Example: voice-api --framework fastify --port 3000 --log-file ./voice-api.log`;

const { values } = parseArgs({
  options: {
    framework: { type: 'string', default: 'express' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '3000' },
    config: { type: 'string' },
    'log-file': { type: 'string' },
    stdout: { type: 'boolean', default: false },
    otlp: { type: 'string' },
    'history-dir': { type: 'string' },
    leaky: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.framework !== 'express' && values.framework !== 'fastify') {
  console.error('voice-api: --framework must be express or fastify');
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('voice-api: --port must be an integer from 0 to 65535');
  process.exit(2);
}

const leaky = new Set((process.env.VOICE_API_LEAKY ?? '').split(','));
const { instrument } = await import('./instrument.js');
const instrumentations = instrument({
  sentryDsn: process.env.SENTRY_DSN,
  leakySentry: values.leaky || leaky.has('sentry'),
  leakyConsole: values.leaky || leaky.has('console'),
});
const { startVoiceApi } = await import('./server.js');
const api = await startVoiceApi({
  framework: values.framework,
  host: values.host,
  port,
  configPath: values.config,
  logFile: values['log-file'],
  logToStdout: values.stdout,
  otlpUrl: values.otlp,
  historyDir: values['history-dir'],
  leaky: values.leaky,
  instrumentations,
});
// one line on stdout that a parent process (the demo) can read
console.log(JSON.stringify({ ready: true, url: api.url, logFile: api.logFile }));

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
