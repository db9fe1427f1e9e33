import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAuditConfig, runAudit, type AuditReport } from '@zrm/testing';
import { startExample, type RunningExample } from './voice-api.helpers.js';

// the example's own probe matrix: every endpoint, the agent's LLM call included
const probes: unknown = JSON.parse(
  readFileSync(new URL('../examples/voice-api/zrm-audit.json', import.meta.url), 'utf8'),
);

async function audit(example: RunningExample): Promise<AuditReport> {
  const config = resolveAuditConfig(probes, {
    baseUrl: example.url,
    apiKey: 'sk_demo_acme_health',
    unentitledApiKey: 'sk_demo_hobby_studio',
    forcedApiKey: 'sk_demo_northbank',
    logFiles: [example.logFile],
    stdoutFiles: [example.stdoutFile],
    tempDirs: [example.tempDir],
    otlp: { host: '127.0.0.1', port: example.otlpPort },
    sentry: { host: '127.0.0.1', port: example.sentryPort },
    settleMs: 1500,
  });
  return runAudit(config);
}

const sink = (report: AuditReport, prefix: string) =>
  report.sinks.filter((s) => s.sink.startsWith(prefix));

for (const framework of ['express', 'fastify'] as const) {
  describe(`examples/voice-api on ${framework}, audited by zrm-audit`, () => {
    let example: RunningExample;
    let report: AuditReport;

    beforeAll(async () => {
      example = await startExample(framework);
      report = await audit(example);
    }, 120_000);
    afterAll(async () => example?.stop());

    it('finds no ZRM canary in any sink: log file, stdout, OTLP traces and logs, Sentry, history, temp dir', () => {
      const leaks = report.sinks.flatMap((s) =>
        s.leaks.map((l) => `${s.sink}: ${l.label} (${l.form})`),
      );
      expect(leaks).toEqual([]);
      expect(report.leaks).toBe(0);
    });

    it('keeps ordinary content where the service logs, traces and records it', () => {
      for (const prefix of [
        'log:',
        'stdout:',
        'otlp:traces',
        'otlp:logs',
        'sentry',
        'history:api',
      ]) {
        const found = sink(report, prefix).flatMap((s) => s.ordinaryFound);
        expect(found.length, `ordinary canaries in ${prefix}`).toBeGreaterThan(0);
      }
      // every sink held its evidence; the temp dir may stay empty (uploads are kept in memory)
      expect(report.sinks.map((s) => [s.sink.split(':')[0], s.status])).toEqual([
        ['log', 'ok'],
        ['stdout', 'ok'],
        ['otlp', 'ok'],
        ['otlp', 'ok'],
        ['sentry', 'ok'],
        ['history', 'ok'],
        ['temp', 'empty'],
      ]);
    });

    it("names the instrumentations that really reported: the framework's, http's and pino's scopes", () => {
      const scopes = (name: string) => report.sinks.find((s) => s.sink === name)?.scopes ?? [];
      expect(scopes('otlp:traces')).toEqual(
        expect.arrayContaining([
          '@opentelemetry/instrumentation-http',
          `@opentelemetry/instrumentation-${framework}`,
        ]),
      );
      expect(scopes('otlp:logs')).toContain('@opentelemetry/instrumentation-pino');
    });

    it('answers every row of the flag table as the design says', () => {
      const wrong = report.flagRows
        .filter((r) => !r.ok)
        .map((r) => `${r.row}: ${r.status} ${r.code ?? ''}`);
      expect(wrong).toEqual([]);
      expect(report.flagRows.length).toBeGreaterThanOrEqual(11);
      expect(report.mismatches).toBe(0);
      expect(report.verdict).toBe('pass');
      expect(report.passed).toBe(true);
    });
  });
}

describe('zrm-audit against the deliberately leaky variant of the example', () => {
  let example: RunningExample;
  let report: AuditReport;

  beforeAll(async () => {
    example = await startExample('express', ['--leaky']);
    report = await audit(example);
  }, 120_000);
  afterAll(async () => example?.stop());

  it('fails and names every sink that leaked', () => {
    expect(report.passed).toBe(false);
    // a sink is named by kind (log and stdout files and temp dirs also carry their path)
    const kind = (name: string) => (/^(log|stdout|temp):/.test(name) ? name.split(':')[0] : name);
    const leaking = report.sinks.filter((s) => s.leaks.length > 0).map((s) => kind(s.sink));
    expect(new Set(leaking)).toEqual(
      new Set(['log', 'stdout', 'otlp:traces', 'otlp:logs', 'sentry', 'history:api', 'temp']),
    );
  });
});

// one positive control per new sink: the example with zrm everywhere but there
for (const [leaky, sinkName] of [
  ['sentry', 'sentry'],
  ['console', 'stdout'],
] as const) {
  describe(`zrm-audit against the example without ${leaky === 'sentry' ? "Sentry's zeroRetentionIntegration" : 'guardConsole'}`, () => {
    let example: RunningExample;
    let report: AuditReport;

    beforeAll(async () => {
      example = await startExample('express', [], { VOICE_API_LEAKY: leaky });
      report = await audit(example);
    }, 120_000);
    afterAll(async () => example?.stop());

    it(`fails and names the ${sinkName} sink, and only it`, () => {
      expect(report.passed).toBe(false);
      const leaking = report.sinks
        .filter((s) => s.leaks.length > 0)
        .map((s) => s.sink.split(':')[0]);
      expect(leaking).toEqual([sinkName]);
    });
  });
}
