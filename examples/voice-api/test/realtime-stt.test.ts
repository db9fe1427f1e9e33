import { once } from 'node:events';
import { CommitStrategy } from '@elevenlabs/elevenlabs-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  canarySession,
  heard,
  silence,
  speechChunks,
  transcribeLive,
} from './support/sdk-sessions.js';
import {
  HOBBY,
  REALTIME_SINKS,
  found,
  startMonitoredService,
  textCanary,
  type MonitoredService,
} from './support/service.js';

describe('realtime speech-to-text through the official SDK', () => {
  let service: MonitoredService;

  beforeAll(async () => {
    service = await startMonitoredService();
  });
  afterAll(async () => service?.close());

  it('streams audio chunks in and partial and committed transcripts out (manual commit)', async () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    const result = await transcribeLive(service.client(), {
      chunks: speechChunks(text),
      commit: true,
      includeTimestamps: true,
    });
    expect(result.config).toMatchObject({
      sample_rate: 16000,
      audio_format: 'pcm_16000',
      commit_strategy: 'manual',
      model_id: 'scribe_v2_realtime',
      enable_logging: true,
    });
    // each chunk adds what it completed, so partials grow towards the whole text
    expect(result.partials.length).toBeGreaterThan(3);
    for (const [i, partial] of result.partials.entries()) {
      expect(text.startsWith(partial)).toBe(true);
      if (i > 0) expect(partial.length).toBeGreaterThan(result.partials[i - 1]!.length);
    }
    expect(result.partials.at(-1)).toBe(text);
    expect(result.committed).toEqual([text]);
    expect(result.timestamps[0]!.text).toBe(text);
    expect(result.timestamps[0]!.words!.map((w) => w.text)).toEqual(text.split(' '));
  });

  it('commits each utterance after a silence with the vad strategy', async () => {
    const result = await transcribeLive(service.client(), {
      commitStrategy: CommitStrategy.VAD,
      vadSilenceThresholdSecs: 0.5,
      chunks: [
        silence(0.3),
        ...speechChunks('first utterance'),
        silence(0.6),
        ...speechChunks('and the second one'),
        silence(0.6),
      ],
      commit: false,
      segments: 2,
    });
    expect(result.committed).toEqual(['first utterance', 'and the second one']);
  });

  it('keeps an ordinary session (transcript, context text, audio) where the example keeps them; an enableLogging: false session is in no sink', async () => {
    const client = service.client();
    // positive control first: a ZRM audio chunk in flight keeps any write holding a run of its
    // bytes out of history, and two audio canaries share runs (WAV header, tone between markers)
    const ordinary = await canarySession(client);
    expect(ordinary.result.config.enable_logging).toBe(true);
    expect(ordinary.result.committed[0]!.startsWith(heard(ordinary.spoken.value))).toBe(true);
    const zrm = await canarySession(client, false);
    expect(zrm.result.config.enable_logging).toBe(false);
    expect(zrm.result.committed[0]!.startsWith(heard(zrm.spoken.value))).toBe(true);

    // exporters send in order: once a later session's span is in, the ZRM one's would be too
    const closing = textCanary();
    await transcribeLive(client, { chunks: speechChunks(closing.value), commit: true });
    expect(await service.missing(closing, ['otlp traces'])).toEqual([]);
    const sinks = await service.sinks();
    for (const name of REALTIME_SINKS)
      expect(found(sinks[name]!, ordinary.spoken), `ordinary transcript in ${name}`).toBe(true);
    expect(found(sinks['log file']!, ordinary.context)).toBe(true);
    expect(found(sinks['history tables']!, ordinary.audio)).toBe(true);
    for (const [name, sink] of Object.entries(sinks)) {
      for (const [what, canary] of Object.entries({
        transcript: zrm.spoken,
        context: zrm.context,
        chunk: zrm.audio,
      }))
        expect(found(sink, canary), `ZRM ${what} in ${name}`).toBe(false);
    }
  });

  it('refuses enableLogging: false to a tenant that is not entitled (403) and notifies the account admin', async () => {
    await expect(
      transcribeLive(service.client(HOBBY), {
        enableLogging: false,
        chunks: speechChunks('never heard'),
        commit: true,
      }),
    ).rejects.toThrow(/403/);
    expect(service.adminNotices).toEqual([
      { code: 'zero_retention_not_allowed', principal: 'hobby-studio' },
    ]);
  });

  it('answers a message that is not an audio chunk with a content-free input_error', async () => {
    const secret = textCanary();
    const url = `${service.api.url.replace('http', 'ws')}/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&audio_format=pcm_16000`;
    const socket = new WebSocket(url, { headers: { 'xi-api-key': 'sk_demo_acme_health' } });
    const messages: Record<string, unknown>[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
    await once(socket, 'open');
    socket.send(JSON.stringify({ message_type: 'speak', text: secret.value }));
    socket.send(JSON.stringify({ message_type: 'input_audio_chunk', audio_base_64: 42 }));
    while (messages.length < 3) await once(socket, 'message');
    socket.close();
    expect(messages.map((m) => m.message_type)).toEqual([
      'session_started',
      'input_error',
      'input_error',
    ]);
    expect(found(JSON.stringify(messages), secret)).toBe(false);
    expect(found((await service.sinks())['log file']!, secret)).toBe(false);
  });

  it('refuses settings the stand-in cannot serve before the session starts', async () => {
    const url = `${service.api.url.replace('http', 'ws')}/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&audio_format=ulaw_8000`;
    const socket = new WebSocket(url, { headers: { 'xi-api-key': 'sk_demo_acme_health' } });
    const [data] = (await once(socket, 'message')) as [Buffer];
    const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
    expect(JSON.parse(data.toString('utf8'))).toMatchObject({ message_type: 'invalid_request' });
    expect([code, reason.toString()]).toEqual([1008, 'invalid_request']);
  });
});
