import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '@zrm/testing';
import { audit, writeExpectations } from './fixtures/audit-run.js';
import { VOICE_CONFIG, VOICE_PROBES } from './fixtures/voice-probes.js';
import { startVoiceService, startVoiceServiceIn } from './fixtures/voice-service.js';
import type { VoiceService, VoiceServiceOptions } from './fixtures/voice-service.js';
import { freePort, makeWorkspace } from './fixtures/workspace.js';
import type { Workspace } from './fixtures/workspace.js';

const sinkOf = (report: AuditReport, name: string) => report.sinks.find((s) => s.sink === name)!;
const leaked = (report: AuditReport, name: string): string[] =>
  sinkOf(report, name).leaks.map((l) => l.label);

describe('zrm-audit against a live service', () => {
  let ws: Workspace;
  let service: VoiceService | undefined;
  let otlpPort: number;

  beforeEach(async () => {
    ws = makeWorkspace();
    otlpPort = await freePort();
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    ws.remove();
  });

  async function start(options: Partial<VoiceServiceOptions> = {}): Promise<string> {
    service = await startVoiceServiceIn(ws, otlpPort, options);
    return service.url;
  }

  function args(url: string, extra: string[] = []): string[] {
    return [
      '--url',
      url,
      '--config',
      writeExpectations(ws),
      '--api-key',
      'key-tenant',
      '--unentitled-api-key',
      'key-unentitled',
      '--forced-api-key',
      'key-forced',
      '--log-file',
      ws.logFile,
      '--temp-dir',
      ws.tempDir,
      '--otlp-port',
      String(otlpPort),
      '--settle-ms',
      '300',
      ...extra,
    ];
  }

  it('passes a service that keeps ordinary content and no ZRM content, with the flag table as designed', async () => {
    const url = await start();
    const run = await audit([...args(url), '--json']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.leaks).toBe(0);
    expect(report.mismatches).toBe(0);
    expect(report.sinksWithoutEvidence).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.passed).toBe(true);
    expect(run.code).toBe(0);
    // the positive control: ordinary content reached every sink it should
    for (const name of [`log:${ws.logFile}`, 'otlp:traces', 'history:api']) {
      expect(sinkOf(report, name).ordinaryFound).toEqual([
        'flag-absent',
        'flag-one',
        'flag-true',
        'tts-ordinary',
        'tts-ws-ordinary',
      ]);
      expect(sinkOf(report, name).status).toBe('ok');
    }
    expect(sinkOf(report, `temp:${ws.tempDir}`).ordinaryFound).toEqual(['stt-ordinary-audio']);
    // metrics were not asked for and none arrived: no row for them
    expect(report.sinks.map((s) => s.sink)).not.toContain('otlp:metrics');
    expect(report.flagRows.map((r) => [r.row, r.ok])).toEqual([
      ['absent', true],
      ['true', true],
      ['one', true],
      ['false', true],
      ['zero', true],
      ['false-upper', true],
      ['empty', true],
      ['unknown', true],
      ['disagreeing', true],
      ['not-entitled', true],
      ['forced', true],
    ]);
    expect(report.summary).toMatch(/^PASS: /);
    expect(run.stderr).toContain('[1/');
  });

  it('prints the verdict as the last line of the human report, and says what each count counts', async () => {
    const url = await start();
    const run = await audit(args(url));
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^PASS: no ZRM or refused content in the 4 sinks scanned/);
    const traces = lines.find((l) => l.startsWith('otlp:traces '))!;
    expect(traces).toMatch(/5 of 6 sent +5: those sent to tts, tts-ws +0 of \d+ sent +ok$/);
    // a sink's ordinary canaries that were not found are named, with why that is fine
    expect(run.stdout).toContain(
      'otlp:traces: ordinary canaries not found: stt audio (not expected here)',
    );
    expect(run.stdout).toContain('canaries sent: 6 ordinary');
  });

  it('fails a leaky service and names every sink that kept ZRM content', async () => {
    const url = await start({ leaky: true });
    const run = await audit(args(url));
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^FAIL: \d+ ZRM or refused canaries found in /,
    );
    for (const sink of [`log:${ws.logFile}`, 'otlp:traces', 'history:api', `temp:${ws.tempDir}`]) {
      expect(run.stdout).toMatch(new RegExp(`${sink.replace(/[/.]/g, '\\$&')}: LEAK: `));
    }
    const json = JSON.parse((await audit([...args(url), '--json', '-q'])).stdout) as AuditReport;
    expect(leaked(json, `log:${ws.logFile}`)).toEqual(
      expect.arrayContaining([
        'tts-zrm',
        'stt-zrm-audio',
        'stt-zrm-response',
        'tts-ws-zrm',
        'flag-false',
        'flag-empty',
      ]),
    );
    expect(leaked(json, 'otlp:traces')).toEqual(
      expect.arrayContaining(['tts-zrm', 'tts-ws-zrm', 'stt-zrm-response']),
    );
    expect(leaked(json, 'history:api')).toEqual(expect.arrayContaining(['tts-zrm', 'tts-ws-zrm']));
    expect(leaked(json, `temp:${ws.tempDir}`)).toEqual(['stt-zrm-audio']);
    // where, never what: a form, a chunk and a byte offset
    const leak = sinkOf(json, 'otlp:traces').leaks[0]!;
    expect(leak.source).toMatch(/^otlp:traces#\d+/);
    expect(leak.offset).toBeGreaterThanOrEqual(0);
    expect(json.verdict).toBe('fail');
  });

  it('fails a service that leaks into its spans only, and names otlp:traces alone', async () => {
    const url = await start({ leakSpans: true });
    const run = await audit([...args(url), '--json', '-q']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(run.code).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(report.sinks.filter((s) => s.leaks.length > 0).map((s) => s.sink)).toEqual([
      'otlp:traces',
    ]);
    expect(leaked(report, 'otlp:traces')).toEqual(
      expect.arrayContaining(['tts-zrm', 'tts-ws-zrm', 'flag-false', 'flag-forced']),
    );
    // the same spans kept the ordinary content: the leak is not a blanket copy of everything
    expect(sinkOf(report, 'otlp:traces').ordinaryFound).toContain('tts-ordinary');
    expect(report.summary).toMatch(/^FAIL: \d+ ZRM or refused canaries found in otlp:traces\.$/);
    expect(report.summary).not.toContain('log:');
  });

  it('reports a flag table that differs from the design as a mismatch', async () => {
    const url = await start({ lenientFlags: true });
    const run = await audit([...args(url), '--json', '-q']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(run.code).toBe(1);
    // the content of requests that should have been refused was kept: those are leaks too
    const labels = new Set(report.sinks.flatMap((s) => s.leaks.map((l) => l.label)));
    expect([...labels].sort()).toEqual(['flag-disagreeing', 'flag-empty', 'flag-unknown']);
    expect(report.flagRows.filter((r) => !r.ok).map((r) => r.row)).toEqual([
      'empty',
      'unknown',
      'disagreeing',
    ]);
    expect(report.summary).toContain('flag row "empty"');
  });

  it('is INCONCLUSIVE, naming otlp:traces, when the service exports its spans nowhere (an audit that sees nothing proves nothing)', async () => {
    // the service's exporter points at a port nobody listens on
    const url = await start({ otlpUrl: `http://127.0.0.1:${await freePort()}` });
    const run = await audit([...args(url, ['--wait-ms', '1500']), '--json']);
    const report = JSON.parse(run.stdout) as AuditReport;
    const traces = sinkOf(report, 'otlp:traces');
    expect(traces.bytes).toBe(0);
    expect(traces.status).toBe('no-bytes');
    expect(traces.hasEvidence).toBe(false);
    expect(report.leaks).toBe(0);
    expect(report.verdict).toBe('inconclusive');
    expect(report.sinksWithoutEvidence).toEqual(['otlp:traces']);
    expect(report.summary).toBe(
      'INCONCLUSIVE: no leak found, but otlp:traces received no bytes — a sink without its evidence proves nothing about that sink.',
    );
    expect(report.wait.outcome).toBe('bound');
    expect(run.stderr).toMatch(
      /stopped waiting at the 1\.5 s bound: otlp:traces: 0 of 6 ordinary canaries arrived, the closing request's not yet/,
    );
    expect(run.code).toBe(3);
  });

  it('is INCONCLUSIVE when a sink received bytes but not the ordinary canaries expected of it, and names them', async () => {
    const url = await start();
    // stt's upload never reaches the spans of this service: asking for it there cannot be satisfied
    const config = writeExpectations(ws, { expectOrdinary: { traces: ['stt', 'tts'] } });
    const run = await audit([...args(url, ['--config', config, '--wait-ms', '1000'])]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('otlp:traces: MISSING, expected here: stt audio');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      'INCONCLUSIVE: no leak found, but otlp:traces lacks 1 of the 5 ordinary canaries expected of it (stt audio) — a sink without its evidence proves nothing about that sink.',
    );
  });

  it('is INCONCLUSIVE when a temp dir it was given does not exist, even though a temp dir may stay empty', async () => {
    const url = await start();
    const missing = join(ws.dir, 'no-such-dir');
    const run = await audit([
      ...args(url, ['--temp-dir', missing, '--wait-ms', '1000']),
      '--json',
      '-q',
    ]);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(sinkOf(report, `temp:${missing}`).status).toBe('no-bytes');
    expect(report.sinksWithoutEvidence).toEqual([`temp:${missing}`]);
    expect(report.notes.some((n) => n.startsWith(`temp dir ${missing} does not exist`))).toBe(true);
    expect(run.code).toBe(3);
  });

  it('asks for each OTLP signal listed: logs the service never exports make the audit INCONCLUSIVE', async () => {
    const url = await start();
    const run = await audit([
      ...args(url, ['--otlp-signals', 'traces,logs', '--wait-ms', '1000']),
      '--json',
      '-q',
    ]);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.sinks.map((s) => s.sink)).toEqual(
      expect.arrayContaining(['otlp:traces', 'otlp:logs']),
    );
    expect(sinkOf(report, 'otlp:logs').status).toBe('no-bytes');
    expect(sinkOf(report, 'otlp:traces').status).toBe('ok');
    expect(report.sinksWithoutEvidence).toEqual(['otlp:logs']);
    expect(run.code).toBe(3);
  });

  it('runs the probe matrix of a --config file, its flag rows sent to the flag probe it names', async () => {
    const url = await start();
    const config = join(ws.dir, 'probes.json');
    const { apiKeyHeader, apiKeyScheme, historyApi } = VOICE_CONFIG;
    writeFileSync(
      config,
      JSON.stringify({
        apiKeyHeader,
        apiKeyScheme,
        historyApi,
        probes: [
          { name: 'speak', path: '/v1/text-to-speech/{voice}', body: 'json', textField: 'text' },
        ],
        params: { voice: 'v-123' },
        flagProbe: 'speak',
        flagRows: [
          { name: 'zero', query: 'enable_logging=0', expect: { status: 200, zeroRetention: true } },
        ],
        expectOrdinary: { logs: 'all', traces: 'all', history: 'all' },
      }),
    );
    const run = await audit([...args(url), '--config', config, '--json', '-q']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(
      report.probes.map((p) => `${p.probe}/${p.closing ? 'closing' : p.mode}/${p.request}`),
    ).toEqual([
      'speak/ordinary/POST /v1/text-to-speech/v-123',
      'speak/zrm/POST /v1/text-to-speech/v-123',
      'speak/closing/POST /v1/text-to-speech/v-123',
    ]);
    expect(report.flagRows.map((r) => r.row)).toEqual(['zero']);
    const logs = sinkOf(report, `log:${ws.logFile}`);
    expect(logs.expectOrdinary).toBe('all');
    expect(logs.ordinaryFound).toEqual(['speak-ordinary']);
    expect(report.verdict).toBe('pass');
    expect(run.code).toBe(0);
  });
});

describe('zrm-audit waiting for a batching exporter (BatchSpanProcessor)', () => {
  let ws: Workspace;
  let service: VoiceService | undefined;
  beforeEach(() => {
    ws = makeWorkspace();
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    ws.remove();
  });

  async function auditBatching(batchDelayMs: number | 'default', extra: string[]) {
    const otlpPort = await freePort();
    service = await startVoiceServiceIn(ws, otlpPort, { batchDelayMs });
    const run = await audit(
      ['--url', service.url, '--config', writeExpectations(ws), '--api-key', 'key-tenant'].concat(
        ['--log-file', ws.logFile, '--otlp-port', String(otlpPort), '--settle-ms', '300', '--json'],
        extra,
      ),
    );
    return { run, report: JSON.parse(run.stdout) as AuditReport };
  }

  it('passes a service whose spans leave only after the SDK default 5 s delay, because it waited for them', async () => {
    const { run, report } = await auditBatching('default', []);
    expect(report.wait.waitMs).toBe(15_000);
    expect(report.wait.outcome).toBe('evidence');
    const traces = report.wait.sinks.find((s) => s.sink === 'otlp:traces')!;
    expect(traces).toMatchObject({ awaited: 6, arrived: 6, closingArrived: true });
    expect(traces.completeAfterMs).not.toBeNull();
    // the wait is visible while it lasts
    expect(run.stderr).toMatch(
      /waiting for otlp:traces: \d of 6 ordinary canaries arrived, the closing request's (not yet|among them) \(\d+\.\d s of 15\.0 s\)/,
    );
    expect(run.stderr).toMatch(
      /otlp:traces: all 6 awaited ordinary canaries arrived after \d+\.\d s/,
    );
    expect(run.stderr).toContain("every sink's evidence arrived after");
    expect(report.sinks.find((s) => s.sink === 'otlp:traces')!.ordinaryFound).toContain(
      'tts-ordinary',
    );
    expect(report.verdict).toBe('pass');
    expect(run.code).toBe(0);
  }, 60_000);

  it('is INCONCLUSIVE, naming otlp:traces, when its bound is shorter than the exporter delay', async () => {
    const { run, report } = await auditBatching(60_000, ['--wait-ms', '1000']);
    expect(report.wait.outcome).toBe('bound');
    expect(report.sinks.find((s) => s.sink === 'otlp:traces')!.status).toBe('no-bytes');
    expect(report.verdict).toBe('inconclusive');
    expect(report.summary).toContain('otlp:traces received no bytes');
    expect(run.code).toBe(3);
  }, 60_000);
});

describe('zrm-audit flag table on a websocket', () => {
  it('checks every flag row on the websocket endpoint: refused upgrades, ZRM and ordinary 101s', async () => {
    const ws = makeWorkspace();
    const otlpPort = await freePort();
    const service = await startVoiceService({
      leaky: false,
      logFile: ws.logFile,
      tempDir: ws.tempDir,
      otlpUrl: `http://127.0.0.1:${otlpPort}`,
    });
    try {
      const config = join(ws.dir, 'ws-flags.json');
      const wsProbe = VOICE_PROBES.find((p) => p.body === 'websocket');
      writeFileSync(
        config,
        JSON.stringify({
          ...VOICE_CONFIG,
          probes: [{ ...wsProbe, checkHeaders: true }],
          flagProbe: 'tts-ws',
        }),
      );
      const run = await audit(
        [
          '--url',
          service.url,
          '--api-key',
          'key-tenant',
          '--config',
          config,
          '--log-file',
          ws.logFile,
        ].concat(
          ['--unentitled-api-key', 'key-unentitled', '--forced-api-key', 'key-forced'],
          ['--otlp-port', String(otlpPort), '--settle-ms', '200', '--json', '-q'],
        ),
      );
      const report = JSON.parse(run.stdout) as AuditReport;
      expect(report.flagRows.map((r) => `${r.row}:${r.status}:${r.code ?? '-'}:${r.ok}`)).toEqual([
        'absent:101:-:true',
        'true:101:-:true',
        'one:101:-:true',
        'false:101:-:true',
        'zero:101:-:true',
        'false-upper:101:-:true',
        'empty:400:invalid_enable_logging:true',
        'unknown:400:invalid_enable_logging:true',
        'disagreeing:400:invalid_enable_logging:true',
        'not-entitled:403:zero_retention_not_allowed:true',
        'forced:101:-:true',
      ]);
      expect(report.probes.every((p) => p.problems.length === 0)).toBe(true);
      expect(report.leaks).toBe(0);
      expect(run.code).toBe(0);
    } finally {
      await service.close();
      ws.remove();
    }
  });
});

describe('zrm-audit with text in the URL', () => {
  it('fails a service that logs the text of a ZRM request sent as a query parameter, passes one that does not', async () => {
    for (const leaky of [false, true]) {
      const ws = makeWorkspace();
      const otlpPort = await freePort();
      const service = await startVoiceService({
        leaky,
        logFile: ws.logFile,
        tempDir: ws.tempDir,
        otlpUrl: `http://127.0.0.1:${otlpPort}`,
      });
      try {
        const config = join(ws.dir, 'url-probe.json');
        writeFileSync(
          config,
          JSON.stringify({
            ...VOICE_CONFIG,
            probes: [
              {
                name: 'tts-url',
                path: '/v1/text-to-speech/{voice_id}',
                body: 'none',
                method: 'POST',
                textQueryParam: 'text',
              },
            ],
            flagProbe: 'tts-url',
            flagRows: [],
            historyApi: false,
          }),
        );
        const run = await audit(
          [
            '--url',
            service.url,
            '--api-key',
            'key-tenant',
            '--config',
            config,
            '--log-file',
            ws.logFile,
          ].concat(['--otlp-port', String(otlpPort), '--settle-ms', '200', '--json', '-q']),
        );
        const report = JSON.parse(run.stdout) as AuditReport;
        const log = report.sinks.find((s) => s.sink === `log:${ws.logFile}`)!;
        expect(log.ordinaryFound).toEqual(['tts-url-ordinary']);
        // the probe's request line in the report never carries the query (it holds the canary)
        expect(report.probes.every((p) => !p.request.includes('?'))).toBe(true);
        if (leaky) {
          expect(log.leaks.map((l) => l.label)).toEqual(['tts-url-zrm']);
          expect(run.code).toBe(1);
        } else {
          expect(log.leaks).toEqual([]);
          expect(run.code).toBe(0);
        }
      } finally {
        await service.close();
        ws.remove();
      }
    }
  });
});
