import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runNode } from '../../../test/support/node-process.js';
import { canary, records } from './helpers.js';

/** winston's Console transport in a real process: the bytes it wrote to its stdout and stderr. */
const fixture = fileURLToPath(new URL('./fixtures/console-transport.mjs', import.meta.url));

beforeAll(() => ensureBuilt('winston'));

describe('the Console transport', () => {
  it('writes no ZRM canary to stdout or stderr, and ordinary records complete (positive control without zrm)', async () => {
    const env = { ZRM_CANARY: canary('zrm'), ORDINARY_CANARY: canary('ordinary') };
    const plain = await runNode(fixture, ['off'], env);
    const guarded = await runNode(fixture, ['on'], env);
    expect(plain.code).toBe(0);
    expect(guarded.code).toBe(0);
    const plainText = plain.stdout.toString() + plain.stderr.toString();
    expect(plainText.split(env.ZRM_CANARY).length - 1).toBeGreaterThanOrEqual(5);
    const stdout = guarded.stdout.toString();
    const stderr = guarded.stderr.toString();
    expect(stdout + stderr).not.toContain(env.ZRM_CANARY);
    const [zrmBare, zrmSaid, ordBare, ordSaid] = records(stdout);
    expect(zrmBare).toEqual({ level: 'info', message: '[REDACTED]', service: 'tts', zrm: true });
    expect(zrmSaid).toEqual({
      level: 'info',
      message: 'said [REDACTED]',
      requestId: 'zrm-1',
      service: 'tts',
      transcript: '[REDACTED]',
      zrm: true,
    });
    const [zrmError, ordError] = records(stderr);
    expect(zrmError).toMatchObject({
      level: 'error',
      message: '[REDACTED]',
      requestId: 'zrm-1',
      zrm: true,
    });
    expect(String(zrmError?.stack)).toMatch(/^Error: \[REDACTED\]\n {4}at log \(/);
    // ordinary records: the very bytes plain winston writes
    expect(JSON.stringify([ordBare, ordSaid])).toContain(env.ORDINARY_CANARY);
    expect(ordError?.message).toBe(`synthesis failed: ${env.ORDINARY_CANARY}`);
    const ordinaryLines = (text: string) =>
      text.split('\n').filter((l) => l.includes('ord-1') || l.includes(env.ORDINARY_CANARY));
    expect(ordinaryLines(stdout)).toEqual(ordinaryLines(plain.stdout.toString()));
    expect(ordinaryLines(stderr)).toEqual(ordinaryLines(plain.stderr.toString()));
  });
});
