import { tracingChannel } from 'node:diagnostics_channel';
import { runWithScope } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

interface AsJsonMessage {
  instance: { bindings(): Record<string, unknown> };
  arguments: unknown[];
  result?: string;
}

describe.each(PINOS)('pino_asJson diagnostics channel (%s)', (_name, pino) => {
  it('publishes only redacted arguments, bindings and result for a ZRM line', () => {
    const seen: string[] = [];
    const channel = tracingChannel<unknown, AsJsonMessage>('pino_asJson');
    const handlers = {
      start(message: AsJsonMessage) {
        seen.push(JSON.stringify(message.arguments), JSON.stringify(message.instance.bindings()));
      },
      end(message: AsJsonMessage) {
        seen.push(String(message.result));
      },
      asyncStart() {},
      asyncEnd() {},
      error() {},
    };
    channel.subscribe(handlers);
    const out = capture();
    const c = canary('channel');
    try {
      const log = pino(withZeroRetention(), out).child({ transcript: c });
      runWithScope({ zeroRetention: true }, () => log.info({ text: c }, 'said %s', c));
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen).toHaveLength(3);
    for (const s of seen) expect(s).not.toContain(c);
    expect(seen[1]).toContain('"transcript":"[REDACTED]"');
    expect(out.text()).not.toContain(c);
  });
});
