import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeExpectations } from './fixtures/audit-run.js';
import { startVoiceService } from './fixtures/voice-service.js';
import { freePort, makeWorkspace } from './fixtures/workspace.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The built bin exists after `pnpm run build` (the first step of `npm test` and CI).
describe.skipIf(!existsSync(bin))('the zrm-audit bin (dist/cli.js)', () => {
  it('starts with a node shebang and prints the help', async () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: zrm-audit --url');
  });

  it('audits a live service as a separate process: progress on stderr, report on stdout, exit 0 then 1', async () => {
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
        const result = await run([
          '--url',
          service.url,
          '--config',
          writeExpectations(ws),
          '--api-key',
          'key-tenant',
          '--log-file',
          ws.logFile,
          '--temp-dir',
          ws.tempDir,
          '--otlp-port',
          String(otlpPort),
          '--settle-ms',
          '300',
        ]);
        expect(result.stderr).toContain('zrm-audit: [1/');
        expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(leaky ? /^FAIL: / : /^PASS: /);
        expect(result.code).toBe(leaky ? 1 : 0);
      } finally {
        await service.close();
        ws.remove();
      }
    }
  });

  it('prints exactly one JSON document on stdout for an error under --json, and exits 2', async () => {
    const result = await run(['--json', '--url', 'http://127.0.0.1:1', '--no-such-option']);
    expect(result.code).toBe(2);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'unknown_option',
        message: 'zrm-audit: unknown option "--no-such-option"; see --help.',
        param: '--no-such-option',
      },
    });
  });
});
