import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runNode, type NodeRun } from '../../../test/support/node-process.js';

/**
 * guardConsole in a real Node process: every assertion reads the bytes the
 * child wrote to its own stdout and stderr. Each leak case runs once without
 * the guard (positive control: the canary arrives) and once with it.
 */
const child = fileURLToPath(new URL('./fixtures/console-child.mjs', import.meta.url));

function canary(label: string): string {
  return `CANARY_${label}_${randomBytes(8).toString('hex')}`;
}

function run(scenario: string, guard: 'on' | 'off', env: Record<string, string>): Promise<NodeRun> {
  return runNode(child, [scenario, guard], env);
}

function text(result: NodeRun): string {
  return result.stdout.toString('utf8') + result.stderr.toString('utf8');
}

function crossContextEvents(result: NodeRun): { sink: string; requestId?: string }[] {
  const line = /^EVENTS (.*)$/m.exec(result.stderr.toString('utf8'));
  return JSON.parse(line?.[1] ?? 'null') as { sink: string; requestId?: string }[];
}

beforeAll(() => ensureBuilt('core'));

describe('guardConsole in ZRM', () => {
  it('writes no canary from console.* or stdout/stderr writes of a ZRM scope (positive control without the guard)', async () => {
    const zrm = canary('zrm');
    const plain = await run('zrm', 'off', { ZRM_CANARY: zrm });
    expect(plain.code).toBe(0);
    // every kind of output carries the canary without the guard: message, format argument, objects, errors, bytes
    expect(text(plain).split(zrm).length - 1).toBeGreaterThanOrEqual(18);
    expect(plain.stdout.includes(Buffer.from(zrm))).toBe(true);

    const guarded = await run('zrm', 'on', { ZRM_CANARY: zrm });
    expect(guarded.code).toBe(0);
    expect(text(guarded)).not.toContain(zrm);
    expect(guarded.stdout.includes(Buffer.from(zrm))).toBe(false);
    expect(guarded.stderr.includes(Buffer.from(zrm))).toBe(false);
  });

  it('keeps what the message rules keep in ZRM: format text, numbers, metadata keys, stack frames, safe messages', async () => {
    const zrm = canary('zrm');
    const out = await run('zrm', 'on', { ZRM_CANARY: zrm });
    const stdout = out.stdout.toString('utf8');
    const stderr = out.stderr.toString('utf8');
    expect(stdout.split('\n').slice(0, 6)).toEqual([
      '[REDACTED]',
      'said [REDACTED]',
      "user { text: '[REDACTED]', voice_id: 'voice-1' }",
      "{ prompt: '[REDACTED]', chars: 3 }",
      "debug { transcript: '[REDACTED]', seq: 7 }",
      "{ text: '[REDACTED]', status: 200 }",
    ]);
    expect(stdout).toContain("│ 0       │ '[REDACTED]' │ 1 │");
    expect(stdout).toContain('\n{"msg":"done","text":"[REDACTED]","requestId":"req-1"}\n');
    expect(stdout).toContain('\nrequest completed\n');
    expect(stdout).toContain('\njobs: 1\n');
    // a Buffer is binary; a hex string is written as bytes: both become a placeholder
    const bytes = Buffer.byteLength(`${zrm}\n`);
    expect(stdout).toContain(`\n[binary ${bytes} bytes]\n[binary ${bytes - 1} bytes]\n`);
    expect(stderr).toMatch(/^Error: \[REDACTED\]\n {4}at everyKindOfOutput \(/m);
    expect(stderr).toMatch(/^TypeError: \[REDACTED\]\n {4}at everyKindOfOutput \(/m);
    expect(stderr).toContain('Assertion failed: assert [REDACTED]\n');
    // a write with an encoding and a callback: written (placeholder) and the callback runs
    expect(stderr).toContain('\n[REDACTED]\nEVENTS');
    expect(stderr.endsWith('\ncallback ran\n')).toBe(true);
  });

  it('never throws into the app and writes no content when the guard cannot read a value', async () => {
    const zrm = canary('zrm');
    const plain = await run('faults', 'off', { ZRM_CANARY: zrm });
    expect(plain.stdout.toString()).toContain(zrm);
    const out = await run('faults', 'on', { ZRM_CANARY: zrm });
    expect(out.code).toBe(0);
    expect(text(out)).not.toContain(zrm);
    expect(out.stdout.toString('utf8')).toBe('[REDACTED]\n[REDACTED]\n[REDACTED]\n');
  });
});

describe('guardConsole outside ZRM', () => {
  it('leaves ordinary output byte for byte as it is without the guard (ordinary scope and no scope)', async () => {
    const ordinary = canary('ordinary');
    const plain = await run('ordinary', 'off', { ORDINARY_CANARY: ordinary });
    const guarded = await run('ordinary', 'on', { ORDINARY_CANARY: ordinary });
    expect(plain.stdout.toString()).toContain(ordinary);
    expect(plain.stderr.toString()).toContain(`Error: synthesis failed: ${ordinary}`);
    expect(guarded.stdout.equals(plain.stdout)).toBe(true);
    expect(guarded.stderr.equals(plain.stderr)).toBe(true);
  });

  it("scrubs an in-flight ZRM request's text and audio from output of other contexts, counting each catch", async () => {
    const zrm = canary('zrm');
    const ordinary = canary('ordinary');
    const audio = randomBytes(48);
    const env = { ZRM_CANARY: zrm, ORDINARY_CANARY: ordinary, ZRM_AUDIO: audio.toString('hex') };
    const plain = await run('cross-context', 'off', env);
    expect(text(plain).split(zrm).length - 1).toBe(5);
    expect(plain.stdout.includes(audio)).toBe(true);

    const guarded = await run('cross-context', 'on', env);
    const stdout = guarded.stdout.toString('utf8');
    expect(guarded.stdout.includes(audio)).toBe(false);
    expect(stdout.split('\n')).toEqual([
      `provider said [REDACTED] to ${ordinary}`,
      'transcript: [REDACTED]',
      'buffered [REDACTED]',
      '[binary 48 bytes]',
      `kept ${ordinary}`,
      // released with the request (grace period 0): nothing of it is held any more
      `after the request ended ${zrm}`,
      '',
    ]);
    expect(guarded.stderr.toString('utf8')).toContain('late [REDACTED]\n');
    expect(crossContextEvents(guarded)).toEqual([
      { kind: 'cross-context', count: 1, sink: 'stdout', requestId: 'ord-2' },
      { kind: 'cross-context', count: 1, sink: 'stdout', requestId: 'ord-2' },
      { kind: 'cross-context', count: 1, sink: 'stderr' },
      { kind: 'cross-context', count: 1, sink: 'stdout' },
      { kind: 'cross-context', count: 1, sink: 'stdout' },
    ]);
  });
});
