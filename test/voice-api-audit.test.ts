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
    tempDirs: [example.tempDir],
    otlp: { host: '127.0.0.1', port: example.otlpPort },
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

    it('finds no ZRM canary in any sink: log file, OTLP traces and logs, history, temp dir', () => {
      const leaks = report.sinks.flatMap((s) =>
        s.leaks.map((l) => `${s.sink}: ${l.label} (${l.form})`),
      );
      expect(leaks).toEqual([]);
      expect(report.leaks).toBe(0);
    });

    it('keeps ordinary content where the service logs, traces and records it', () => {
      for (const prefix of ['log:', 'otlp:traces', 'otlp:logs', 'history:api']) {
        const found = sink(report, prefix).flatMap((s) => s.ordinaryFound);
        expect(found.length, `ordinary canaries in ${prefix}`).toBeGreaterThan(0);
      }
      // every sink held its evidence; the temp dir may stay empty (uploads are kept in memory)
      expect(report.sinks.map((s) => [s.sink.split(':')[0], s.status])).toEqual([
        ['log', 'ok'],
        ['otlp', 'ok'],
        ['otlp', 'ok'],
        ['history', 'ok'],
        ['temp', 'empty'],
      ]);
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
    // a sink is named by kind (log files and temp dirs also carry their path)
    const kind = (name: string) =>
      name.startsWith('log:') || name.startsWith('temp:') ? name.split(':')[0] : name;
    const leaking = report.sinks.filter((s) => s.leaks.length > 0).map((s) => kind(s.sink));
    expect(new Set(leaking)).toEqual(
      new Set(['log', 'otlp:traces', 'otlp:logs', 'history:api', 'temp']),
    );
  });
});
