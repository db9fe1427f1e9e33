import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTextCanary, findCanaries, startSentryReceiver } from '@zrm/testing';
import type { SentryReceiver } from '@zrm/testing';

function envelope(message: string): Buffer {
  const event = JSON.stringify({ message, level: 'info' });
  return Buffer.from(
    `{"event_id":"0123456789abcdef0123456789abcdef"}\n{"type":"event","length":${Buffer.byteLength(event)}}\n${event}\n`,
  );
}

describe('startSentryReceiver', () => {
  let receiver: SentryReceiver;
  beforeEach(async () => {
    receiver = await startSentryReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('gives a loopback DSN and answers an envelope POST with 200 {}', async () => {
    expect(receiver.dsn).toBe(`http://public@127.0.0.1:${receiver.port}/1`);
    const response = await fetch(`http://127.0.0.1:${receiver.port}/api/1/envelope/`, {
      method: 'POST',
      body: envelope('plain'),
    });
    expect([response.status, await response.text()]).toEqual([200, '{}']);
    expect(receiver.envelopes[0]!.items[0]!.payload).toEqual({ message: 'plain', level: 'info' });
  });

  for (const [encoding, encode] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const) {
    it(`decodes a ${encoding} body: the canary is found in the decoded bytes`, async () => {
      const canary = createTextCanary(encoding);
      await fetch(`http://127.0.0.1:${receiver.port}/api/1/envelope/`, {
        method: 'POST',
        headers: { 'content-encoding': encoding },
        body: encode(envelope(canary.value)),
      });
      const hits = findCanaries(receiver, canary);
      expect(hits.map((h) => h.source)).toEqual(['sentry:envelope#0']);
    });
  }

  it('refuses what is not an envelope endpoint, and keeps nothing of it', async () => {
    const response = await fetch(`http://127.0.0.1:${receiver.port}/api/1/store/`, {
      method: 'POST',
      body: envelope('other'),
    });
    expect(response.status).toBe(404);
    expect(receiver.envelopes).toEqual([]);
  });
});
