import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { startOtlpReceiver } from '@zrm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVoiceApi, synthesize, type RunningVoiceApi } from '../src/index.js';

async function bytes(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('the official ElevenLabs JS SDK against the example service', () => {
  let api: RunningVoiceApi;
  let client: ElevenLabsClient;
  let work: string;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zrm-sdk-'));
    receiver = await startOtlpReceiver({ host: '127.0.0.1', port: 0 });
    api = await startVoiceApi({ port: 0, logFile: join(work, 'api.log'), otlpUrl: receiver.url });
    client = new ElevenLabsClient({
      apiKey: 'sk_demo_acme_health',
      baseUrl: api.url,
      maxRetries: 0,
    });
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    await receiver?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('converts text to speech, ordinarily and with enableLogging: false', async () => {
    const ordinary = await bytes(
      await client.textToSpeech.convert('voice1', {
        text: 'SDK ordinary text 0001',
        modelId: 'eleven_multilingual_v2',
      }),
    );
    const zrm = await bytes(
      await client.textToSpeech.convert('voice1', {
        text: 'SDK zrm text 00000002',
        enableLogging: false,
      }),
    );
    expect(ordinary.equals(synthesize('SDK ordinary text 0001'))).toBe(true);
    expect(zrm.equals(synthesize('SDK zrm text 00000002'))).toBe(true);
  });

  it('streams text to speech', async () => {
    const audio = await bytes(
      await client.textToSpeech.stream('voice1', {
        text: 'streamed text 000003',
        enableLogging: false,
      }),
    );
    expect(audio.equals(synthesize('streamed text 000003'))).toBe(true);
  });

  it('transcribes speech to text, ordinarily and with enableLogging: false', async () => {
    const wav = synthesize('read me back 0004');
    for (const enableLogging of [true, false]) {
      const result = (await client.speechToText.convert({
        file: new Blob([wav], { type: 'audio/wav' }),
        modelId: 'scribe_v1',
        enableLogging,
      })) as { text: string };
      expect(result.text).toBe('read me back 0004');
    }
  });

  it('converts speech to speech', async () => {
    const audio = await bytes(
      await client.speechToSpeech.convert('voice1', {
        audio: new Blob([synthesize('same words 000005')], { type: 'audio/wav' }),
        enableLogging: false,
      }),
    );
    expect(audio.equals(synthesize('same words 000005'))).toBe(true);
  });

  it('keeps the audio of an ordinary request in history byte for byte (bytea written binary, read as hex)', async () => {
    const list = await client.history.list({ pageSize: 100 });
    const id = list.history.find((item) => item.text === 'SDK ordinary text 0001')!.historyItemId;
    const stored = await bytes(await client.history.getAudio(id));
    expect(stored.length).toBe(synthesize('SDK ordinary text 0001').length);
    expect(stored.equals(synthesize('SDK ordinary text 0001'))).toBe(true);
  });

  it('lists, gets and deletes history; ZRM requests left none', async () => {
    const list = await client.history.list({ pageSize: 100 });
    const texts = list.history.map((item) => item.text);
    expect(texts).toContain('SDK ordinary text 0001');
    expect(texts).not.toContain('SDK zrm text 00000002');
    expect(texts).not.toContain('streamed text 000003');
    const id = list.history.find((item) => item.text === 'SDK ordinary text 0001')!.historyItemId;
    const item = await client.history.get(id);
    expect(item.voiceId).toBe('voice1');
    await client.history.delete(id);
    const after = await client.history.list({ pageSize: 100 });
    expect(after.history.map((i) => i.historyItemId)).not.toContain(id);
    expect(readFileSync(api.logFile, 'utf8')).not.toContain('SDK zrm text 00000002');
  });
});
