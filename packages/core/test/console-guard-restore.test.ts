/* eslint-disable @typescript-eslint/unbound-method -- this file compares the methods themselves, by identity */
import { afterEach, describe, expect, it } from 'vitest';
import {
  definePolicy,
  guardConsole,
  markSensitive,
  runWithScope,
  type RedactionEvent,
} from '@zrm/core';
import { createScope } from '@zrm/core/adapter';

/**
 * guardConsole in this process, on what reaches the writer under it: the
 * stdout `write` in place when the guard is installed (here one that keeps
 * the chunks) and the console methods it wraps. The bytes a real process
 * prints are proven in console-guard.test.ts.
 */
type Write = typeof process.stdout.write;

const chunks: unknown[] = [];
const ownWrite = Object.getOwnPropertyDescriptor(process.stdout, 'write');
const keep = function write(chunk: unknown, ...rest: unknown[]): boolean {
  chunks.push(chunk);
  const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  callback?.();
  return true;
} as Write;

function withCapture<T>(fn: () => T): T {
  chunks.length = 0;
  process.stdout.write = keep;
  const undo = guardConsole();
  try {
    return fn();
  } finally {
    undo();
    if (ownWrite === undefined) delete (process.stdout as { write?: Write }).write;
    else Object.defineProperty(process.stdout, 'write', ownWrite);
  }
}

afterEach(() => expect(process.stdout.write).not.toBe(keep));

describe('guardConsole: install and undo', () => {
  it('wraps once however often it is called, and puts the originals back exactly after the last undo', () => {
    const before = {
      log: Object.getOwnPropertyDescriptor(console, 'log'),
      stdout: Object.getOwnPropertyDescriptor(process.stdout, 'write'),
      stderr: Object.getOwnPropertyDescriptor(process.stderr, 'write'),
      write: process.stdout.write,
    };
    const first = guardConsole();
    const wrapped = console.log;
    const wrappedWrite = process.stdout.write;
    expect(wrapped).not.toBe(before.log?.value);
    expect(wrappedWrite).not.toBe(before.write);
    const second = guardConsole({ messages: 'keep' });
    expect(console.log).toBe(wrapped);
    expect(process.stdout.write).toBe(wrappedWrite);
    first();
    first(); // an undo counts once
    expect(console.log).toBe(wrapped);
    second();
    expect(Object.getOwnPropertyDescriptor(console, 'log')).toEqual(before.log);
    expect(Object.getOwnPropertyDescriptor(process.stdout, 'write')).toEqual(before.stdout);
    expect(Object.getOwnPropertyDescriptor(process.stderr, 'write')).toEqual(before.stderr);
    expect(process.stdout.write).toBe(before.write);
  });

  it('rejects bad options with an error that names the option only', () => {
    const secret = 'CANARY_option_7c1f3e9a0b2d4c6e';
    expect(() => guardConsole(secret as unknown as object)).toThrow(
      'guardConsole: zrm options must be an object',
    );
    expect(() => guardConsole({ messages: secret as 'keep' })).toThrow(/^(?!.*CANARY)/);
    expect(() => guardConsole({ safeMessages: [1 as unknown as string] })).toThrow(
      'guardConsole: safeMessages must be an array of strings',
    );
  });
});

describe('guardConsole: what the writer under it receives', () => {
  it('in ZRM: text by the message rules, JSON lines by key, stacks by frame, bytes as placeholders', () => {
    const c = 'CANARY_zrm_5e0a9c1d7b3f2e84';
    const out = withCapture(() =>
      runWithScope({ zeroRetention: true }, () => {
        process.stdout.write(`${c}\n\nrequest completed\r\n`);
        process.stdout.write(`{"text":"${c}","status":200}\n[1,"${c}"]\n{broken ${c}\n`);
        process.stdout.write(`Error: ${c}\n    at handler (app.js:1:2)\n`);
        process.stdout.write(Buffer.from(c));
        process.stdout.write(new Uint16Array([1, 2]) as unknown as Uint8Array);
        process.stdout.write(Buffer.from(c).toString('base64'), 'base64', () => {});
        return [...chunks];
      }),
    );
    expect(out).toEqual([
      '[REDACTED]\n\nrequest completed\r\n',
      '{"text":"[REDACTED]","status":200}\n[1,"[REDACTED]"]\n[REDACTED]\n',
      'Error: [REDACTED]\n    at handler (app.js:1:2)\n',
      `[binary ${c.length} bytes]`,
      '[binary 4 bytes]',
      `[binary ${c.length} bytes]`,
    ]);
  });

  it("in ZRM with messages: 'keep': bare text is only scrubbed of registered content", () => {
    const c = 'CANARY_zrm_91b2c3d4e5f60718';
    chunks.length = 0;
    process.stdout.write = keep;
    const undo = guardConsole({ messages: 'keep' });
    try {
      runWithScope({ zeroRetention: true }, () => {
        markSensitive(c);
        process.stdout.write(`synthesizing ${c} now\n`);
      });
    } finally {
      undo();
      if (ownWrite === undefined) delete (process.stdout as { write?: Write }).write;
    }
    expect(chunks).toEqual(['synthesizing [REDACTED] now\n']);
  });

  it('outside ZRM: the same chunk when nothing is registered, registered content removed otherwise', () => {
    const c = 'CANARY_zrm_0f1e2d3c4b5a6978';
    const kept = 'CANARY_kept_8899aabbccddeeff';
    const events: RedactionEvent[] = [];
    const policy = definePolicy({ taint: { graceMs: 0 }, onRedaction: (e) => events.push(e) });
    const chunk = Buffer.from(`ordinary ${kept}\n`);
    const out = withCapture(() => {
      process.stdout.write(chunk);
      const zrm = createScope({ zeroRetention: true, policy });
      zrm.run(() => markSensitive(c));
      createScope({ zeroRetention: false, policy }).run(() => {
        process.stdout.write(chunk);
        process.stdout.write(`said ${c}\n`, 'utf8');
        process.stdout.write(Buffer.from(`bytes ${c}`));
        process.stdout.write(Buffer.from(`said ${c}`).toString('hex'), 'hex');
        process.stdout.write({ notAChunk: true } as unknown as string);
      });
      zrm.end();
      return [...chunks];
    });
    expect(out[0]).toBe(chunk);
    expect(out[1]).toBe(chunk);
    expect(out.slice(2)).toEqual([
      'said [REDACTED]\n',
      'bytes [REDACTED]',
      'said [REDACTED]',
      { notAChunk: true },
    ]);
    expect(events.map((e) => e.kind)).toEqual(['cross-context', 'cross-context', 'cross-context']);
  });

  it('hands console methods content-free arguments in ZRM, and the arguments themselves elsewhere', () => {
    const c = 'CANARY_zrm_a1a2a3a4a5a6a7a8';
    const calls: [string, unknown[]][] = [];
    const names = ['log', 'dir', 'table', 'assert', 'count', 'timeLog', 'warn'] as const;
    const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(console, name)]);
    for (const name of names) {
      (console as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        calls.push([name, args]);
        // a console method printing through another one (as table prints through log)
        if (name === 'table') console.log('table row', args[0]);
      };
    }
    const undo = guardConsole();
    try {
      runWithScope({ zeroRetention: true }, () => {
        console.log();
        console.log({ text: c }, c, 3);
        console.dir({ text: c }, { depth: 1 });
        (console.dir as (...args: unknown[]) => void)();
        console.table([{ text: c }], ['text']);
        console.assert(false, 'failed %s', c);
        console.assert(true);
        console.count('jobs');
        console.timeLog('tts', c, 12);
        console.warn(Symbol('x'));
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        console.log('x %o', proxy);
        console.assert(false, 'y %o', proxy);
      });
      console.log(c);
    } finally {
      undo();
      for (const [name, descriptor] of saved)
        Object.defineProperty(console, name as string, descriptor as PropertyDescriptor);
    }
    expect(calls).toEqual([
      ['log', []],
      ['log', [{ text: '[REDACTED]' }, '[REDACTED]', 3]],
      ['dir', [{ text: '[REDACTED]' }, { depth: 1 }]],
      ['dir', []],
      ['table', [[{ text: '[REDACTED]' }], ['text']]],
      ['log', ['table row', [{ text: '[REDACTED]' }]]],
      ['assert', [false, 'failed %s', '[REDACTED]']],
      ['assert', [true]],
      ['count', ['jobs']],
      ['timeLog', ['tts', '[REDACTED]', 12]],
      ['warn', ['[REDACTED]']],
      ['log', ['[REDACTED]']],
      ['assert', [false, '[REDACTED]']],
      ['log', [c]],
    ]);
  });
});
