import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VOICE_API_PROBES, auditMain, startOtlpReceiver } from '@zrm/testing';
import type { AuditReport } from '@zrm/testing';
import { startVoiceService } from './fixtures/voice-service.js';
import type { VoiceService, VoiceServiceOptions } from './fixtures/voice-service.js';
import { freePort, makeWorkspace } from './fixtures/workspace.js';
import type { Workspace } from './fixtures/workspace.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function audit(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await auditMain(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

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
    service = await startVoiceService({
      leaky: false,
      logFile: ws.logFile,
      tempDir: ws.tempDir,
      otlpUrl: `http://127.0.0.1:${otlpPort}`,
      ...options,
    });
    return service.url;
  }

  function args(url: string, extra: string[] = []): string[] {
    return [
      '--url',
      url,
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
    expect(report.passed).toBe(true);
    expect(run.code).toBe(0);
    const sinks = Object.fromEntries(report.sinks.map((s) => [s.sink, s]));
    // the positive control: ordinary content reached every sink it should
    expect(sinks[`log:${ws.logFile}`]!.ordinaryFound).toEqual(
      expect.arrayContaining([
        'tts-ordinary',
        'tts-ws-ordinary',
        'flag-absent',
        'flag-true',
        'flag-one',
      ]),
    );
    expect(sinks['otlp:traces']!.ordinaryFound).toEqual(
      expect.arrayContaining(['tts-ordinary', 'tts-ws-ordinary']),
    );
    expect(sinks['history:api']!.ordinaryFound).toEqual(
      expect.arrayContaining(['tts-ordinary', 'tts-ws-ordinary']),
    );
    expect(sinks[`temp:${ws.tempDir}`]!.ordinaryFound).toEqual(['stt-ordinary-audio']);
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
    expect(run.stderr).toContain('[1/');
  });

  it('fails a leaky service and names every sink that kept ZRM content', async () => {
    const url = await start({ leaky: true });
    const run = await audit(args(url));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL');
    for (const sink of [`log:${ws.logFile}`, 'otlp:traces', 'history:api', `temp:${ws.tempDir}`]) {
      expect(run.stdout).toMatch(new RegExp(`leak: ${sink.replace(/[/.]/g, '\\$&')}: `));
    }
    const json = JSON.parse((await audit([...args(url), '--json', '-q'])).stdout) as AuditReport;
    const leaked = (sink: string): string[] =>
      json.sinks.find((s) => s.sink === sink)!.leaks.map((l) => l.label);
    expect(leaked(`log:${ws.logFile}`)).toEqual(
      expect.arrayContaining([
        'tts-zrm',
        'stt-zrm-audio',
        'stt-zrm-response',
        'tts-ws-zrm',
        'flag-false',
        'flag-empty',
      ]),
    );
    expect(leaked('otlp:traces')).toEqual(
      expect.arrayContaining(['tts-zrm', 'tts-ws-zrm', 'stt-zrm-response']),
    );
    expect(leaked('history:api')).toEqual(expect.arrayContaining(['tts-zrm', 'tts-ws-zrm']));
    expect(leaked(`temp:${ws.tempDir}`)).toEqual(['stt-zrm-audio']);
    expect(json.passed).toBe(false);
  });

  it('reports a flag table that differs from the design as a mismatch', async () => {
    const url = await start({ lenientFlags: true });
    const run = await audit([...args(url), '--json', '-q']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(run.code).toBe(1);
    // the content of requests that should have been refused was kept: those are leaks too
    const leaked = new Set(report.sinks.flatMap((s) => s.leaks.map((l) => l.label)));
    expect([...leaked].sort()).toEqual(['flag-disagreeing', 'flag-empty', 'flag-unknown']);
    expect(report.flagRows.filter((r) => !r.ok).map((r) => r.row)).toEqual([
      'empty',
      'unknown',
      'disagreeing',
    ]);
  });

  it('fails when a sink that should hold ordinary content received none (an audit that sees nothing proves nothing)', async () => {
    const url = await start();
    // the service exports to a collector of its own; the audit's receiver listens elsewhere
    const elsewhere = await startOtlpReceiver({ port: otlpPort });
    const run = await audit([...args(url, ['--otlp-port', '0']), '--json', '-q']);
    await elsewhere.close();
    const report = JSON.parse(run.stdout) as AuditReport;
    const traces = report.sinks.find((s) => s.sink === 'otlp:traces')!;
    expect(traces.bytes).toBe(0);
    expect(traces.status).toBe('missing-ordinary');
    expect(run.code).toBe(1);
  });

  it('runs the probe matrix of a --config file instead of the built-in one', async () => {
    const url = await start();
    const config = join(ws.dir, 'probes.json');
    writeFileSync(
      config,
      JSON.stringify({
        probes: [
          { name: 'speak', path: '/v1/text-to-speech/{voice}', body: 'json', textField: 'text' },
        ],
        params: { voice: 'v-123' },
        flagProbe: 'speak',
        flagRows: [
          { name: 'zero', query: 'enable_logging=0', expect: { status: 200, zeroRetention: true } },
        ],
        expectOrdinary: { logs: 'all' },
      }),
    );
    const run = await audit([...args(url, ['--config', config]), '--json', '-q']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.probes.map((p) => `${p.probe}/${p.mode}/${p.request}`)).toEqual([
      'speak/ordinary/POST /v1/text-to-speech/v-123',
      'speak/zrm/POST /v1/text-to-speech/v-123',
    ]);
    expect(report.flagRows.map((r) => r.row)).toEqual(['zero']);
    const logs = report.sinks.find((s) => s.sink === `log:${ws.logFile}`)!;
    expect(logs.expectOrdinary).toBe('all');
    expect(logs.ordinaryFound).toEqual(['speak-ordinary']);
    expect(run.code).toBe(0);
  });
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
      const wsProbe = VOICE_API_PROBES.find((p) => p.body === 'websocket');
      writeFileSync(
        config,
        JSON.stringify({ probes: [{ ...wsProbe, checkHeaders: true }], flagProbe: 'tts-ws' }),
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

describe('zrm-audit command line', () => {
  it('explains every option with an example in --help', async () => {
    const run = await audit(['--help']);
    expect(run.code).toBe(0);
    for (const option of [
      '--url',
      '--config',
      '--api-key',
      '--api-key-header',
      '--unentitled-api-key',
      '--forced-api-key',
      '--param',
      '--log-file',
      '--temp-dir',
      '--otlp-port',
      '--otlp-host',
      '--skip-history-api',
      '--postgres-url',
      '--history-table',
      '--settle-ms',
      '--timeout-ms',
      '--json',
      '--quiet',
      '--help',
    ]) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('Examples');
  });

  it('exits 2 with a content-free message on bad options', async () => {
    const unknown = await audit([
      '--url',
      'http://127.0.0.1:1',
      '--frobnicate',
      'secret-value-123',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toContain('secret-value-123');
    const missingUrl = await audit([]);
    expect(missingUrl.code).toBe(2);
    expect(missingUrl.stderr).toContain('--url');
    const badPort = await audit(['--url', 'http://127.0.0.1:1', '--otlp-port', 'abc']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--otlp-port');
  });

  it('exits 2 when the service does not answer, and when the config file is not JSON', async () => {
    const down = await audit([
      '--url',
      `http://127.0.0.1:${await freePort()}`,
      '--otlp-port',
      'off',
      '-q',
    ]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('did not answer');
    const ws = makeWorkspace();
    try {
      const file = join(ws.dir, 'bad.json');
      writeFileSync(file, '{ "probes": [ secret-value-456');
      const bad = await audit(['--url', 'http://127.0.0.1:1', '--config', file]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('not valid JSON');
      expect(bad.stderr).not.toContain('secret-value-456');
      writeFileSync(
        file,
        JSON.stringify({ probes: [{ name: 'bad name!', path: '/x', body: 'json' }] }),
      );
      const invalid = await audit(['--url', 'http://127.0.0.1:1', '--config', file]);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toContain('probes[0].name');
    } finally {
      ws.remove();
    }
  });
});
