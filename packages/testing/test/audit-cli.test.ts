import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, writeExpectations } from './fixtures/audit-run.js';
import { VOICE_CONFIG } from './fixtures/voice-probes.js';
import type { AuditRun } from './fixtures/audit-run.js';
import { startVoiceServiceIn } from './fixtures/voice-service.js';
import { freePort, makeWorkspace } from './fixtures/workspace.js';

/** The one JSON document a --json run printed on stdout (JSON.parse fails on anything more). */
function jsonError(run: AuditRun): { code: string; message: string; param?: string } {
  const doc = JSON.parse(run.stdout) as {
    error: { code: string; message: string; param?: string };
  };
  expect(Object.keys(doc)).toEqual(['error']);
  expect(run.code).toBe(2);
  return doc.error;
}

describe('zrm-audit command line', () => {
  it('explains every option with an example in --help, also as JSON under --json', async () => {
    const run = await audit(['--help']);
    expect(run.code).toBe(0);
    for (const option of [
      '--url',
      '--config',
      '--api-key',
      '--api-key-header',
      '--api-key-scheme',
      '--unentitled-api-key',
      '--forced-api-key',
      '--param',
      '--log-file',
      '--temp-dir',
      '--otlp-port',
      '--otlp-host',
      '--otlp-signals',
      '--skip-history-api',
      '--postgres-url',
      '--history-table',
      '--wait-ms',
      '--settle-ms',
      '--timeout-ms',
      '--report',
      '--json',
      '--quiet',
      '--help',
    ]) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('Examples');
    expect(run.stdout).toMatch(/3 INCONCLUSIVE/);
    const json = await audit(['--help', '--json']);
    expect((JSON.parse(json.stdout) as { help: string }).help).toBe(run.stdout);
  });

  it('names an unknown option, without echoing any value, in text and in JSON', async () => {
    const text = await audit(['--url', 'http://127.0.0.1:1', '--frobnicate', 'secret-value-123']);
    expect(text.code).toBe(2);
    expect(text.stderr).toBe('zrm-audit: unknown option "--frobnicate"; see --help.\n');
    const json = await audit([
      '--url',
      'http://127.0.0.1:1',
      '--json',
      '--frobnicate=secret-value-123',
    ]);
    expect(jsonError(json)).toEqual({
      code: 'unknown_option',
      message: 'zrm-audit: unknown option "--frobnicate"; see --help.',
      param: '--frobnicate',
    });
    expect(json.stdout + json.stderr).not.toContain('secret-value-123');
    const short = jsonError(await audit(['--json', '-Z']));
    expect(short.code).toBe('unknown_option');
    expect(short.message).toContain('"-Z"');
  });

  it('answers every usage error with one JSON document carrying a stable code', async () => {
    expect(jsonError(await audit(['--json']))).toMatchObject({ code: 'usage', param: 'url' });
    expect(jsonError(await audit(['--json'])).message).toContain('--url');
    const badPort = jsonError(
      await audit(['--json', '--url', 'http://127.0.0.1:1', '--otlp-port', 'abc']),
    );
    expect(badPort).toMatchObject({ code: 'usage', param: 'otlp-port' });
    expect(badPort.message).toContain('--otlp-port');
    const noValue = jsonError(await audit(['--json', '--url']));
    expect(noValue).toMatchObject({ code: 'usage', param: '--url' });
    expect(noValue.message).toContain('--url needs a value');
    expect(jsonError(await audit(['--json', 'http://127.0.0.1:1']))).toMatchObject({
      code: 'usage',
      param: 'argv',
    });
    expect(
      jsonError(await audit(['--json', '--url', 'ftp://x', '--otlp-port', 'off'])),
    ).toMatchObject({ code: 'usage', param: 'url' });
    expect(
      jsonError(
        await audit(['--json', '--url', 'http://127.0.0.1:1', '--otlp-signals', 'traces,spans']),
      ),
    ).toMatchObject({
      code: 'usage',
      param: 'otlp-signals',
    });
    expect(
      jsonError(await audit(['--json', '--url', 'http://127.0.0.1:1', '--report', 'out.pdf'])),
    ).toMatchObject({
      code: 'usage',
      param: 'report',
    });
  });

  it('answers a config without probes with a usage error naming the key, under --json and without', async () => {
    const json = jsonError(await audit(['--json', '--url', 'http://127.0.0.1:1']));
    expect(json).toEqual({
      code: 'usage',
      param: 'probes',
      message:
        'zrm-audit config: no probes: the config key "probes" must list at least one endpoint of the service (pass --config <file.json>; see the README).',
    });
    const ws = makeWorkspace();
    try {
      const file = join(ws.dir, 'empty.json');
      writeFileSync(file, JSON.stringify({ probes: [], params: { secret: 'secret-value-789' } }));
      const plain = await audit(['--url', 'http://127.0.0.1:1', '--config', file]);
      expect(plain.code).toBe(2);
      expect(plain.stdout).toBe('');
      expect(plain.stderr).toBe(`${json.message}\n`);
      expect(plain.stderr).not.toContain('secret-value-789');
    } finally {
      ws.remove();
    }
  });

  it('answers a service that does not answer, and a port already taken, with their codes', async () => {
    const ws = makeWorkspace();
    const down = await audit([
      '--url',
      `http://127.0.0.1:${await freePort()}`,
      '--config',
      writeExpectations(ws),
      '--otlp-port',
      'off',
      '-q',
      '--json',
    ]);
    expect(jsonError(down)).toMatchObject({ code: 'service_unreachable', param: 'baseUrl' });
    expect(down.stderr).toContain('did not answer');

    const service = await startVoiceServiceIn(ws, 1);
    const config = writeExpectations(ws);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const busy = await audit([
        '--url',
        service.url,
        '--config',
        config,
        '--otlp-port',
        String(port),
        '-q',
        '--json',
      ]);
      expect(jsonError(busy)).toMatchObject({ code: 'receiver_unavailable', param: 'otlp.port' });
      const unwritable = await audit([
        '--url',
        service.url,
        '--config',
        config,
        '--report',
        join(ws.dir, 'missing', 'r.html'),
        '--json',
      ]);
      expect(jsonError(unwritable)).toMatchObject({ code: 'report_unwritable', param: 'report' });
    } finally {
      taken.close();
      await service.close();
      ws.remove();
    }
  });

  it('answers a config file that cannot be read, is not JSON or holds a bad key with its code, quoting none of it', async () => {
    const ws = makeWorkspace();
    try {
      const file = join(ws.dir, 'bad.json');
      const args = (extra: string[]) => ['--json', '--url', 'http://127.0.0.1:1', ...extra];
      expect(jsonError(await audit(args(['--config', join(ws.dir, 'none.json')])))).toMatchObject({
        code: 'config_unreadable',
      });
      writeFileSync(file, '{ "probes": [ secret-value-456');
      const bad = await audit(args(['--config', file]));
      expect(jsonError(bad)).toMatchObject({
        code: 'config_invalid',
        message: 'zrm-audit: the --config file is not valid JSON.',
      });
      expect(bad.stdout + bad.stderr).not.toContain('secret-value-456');
      writeFileSync(
        file,
        JSON.stringify({ probes: [{ name: 'bad name!', path: '/x', body: 'json' }] }),
      );
      expect(jsonError(await audit(args(['--config', file])))).toMatchObject({
        code: 'config_invalid',
        param: 'probes[0].name',
      });
      writeFileSync(file, JSON.stringify({ expectOrdinry: { logs: 'all' } }));
      const typo = jsonError(await audit(args(['--config', file])));
      expect(typo).toMatchObject({ code: 'config_invalid', param: 'expectOrdinry' });
      expect(typo.message).toContain('unknown key "expectOrdinry"');
      writeFileSync(
        file,
        JSON.stringify({ ...VOICE_CONFIG, expectOrdinary: { traces: ['tts', 'nope'] } }),
      );
      expect(jsonError(await audit(args(['--config', file])))).toMatchObject({
        code: 'config_invalid',
        param: 'expectOrdinary.traces',
      });
      // without --json the same error is a line on stderr and nothing on stdout
      const plain = await audit(['--url', 'http://127.0.0.1:1', '--config', file]);
      expect(plain.code).toBe(2);
      expect(plain.stdout).toBe('');
      expect(plain.stderr).toContain('expectOrdinary.traces');
    } finally {
      ws.remove();
    }
  });
});
