import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { ZrmError, isZeroRetention, markSensitive, type Policy } from '@zrm/core';
import type { HistoryStore, StoredHistoryItem } from '@zrm/history';
import type { Logger } from 'pino';
import { synthesize, transcribe } from './audio.js';
import type { AgentStore } from './agents.js';
import type { VoiceApiConfig } from './config.js';
import type { ConversationLog } from './conversations.js';
import type { SignedUrls } from './signed-urls.js';
import type { Telemetry } from './telemetry.js';

/** What every handler needs; built once at start-up. */
export interface Services {
  config: VoiceApiConfig;
  policy: Policy;
  telemetry: Telemetry;
  history: HistoryStore;
  agents: AgentStore;
  conversations: ConversationLog;
  signedUrls: SignedUrls;
  /** Test-only leaky variant: uploads are written to the temp dir. */
  leaky?: boolean;
}

/** Per request: who is asking, the request's logger, and the request itself (for policy questions). */
export interface RequestContext {
  tenant: string;
  requestId: string | undefined;
  log: Logger;
  req: unknown;
}

const MAX_TEXT = 5_000;
const VOICE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function requireText(value: unknown, param: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ZrmError('invalid_request', `"${param}" must be a non-empty string.`, { param });
  }
  if (value.length > MAX_TEXT) {
    throw new ZrmError('invalid_request', `"${param}" must be at most ${MAX_TEXT} characters.`, {
      param,
    });
  }
  return value;
}

export function requireVoiceId(value: unknown): string {
  if (typeof value !== 'string' || !VOICE_ID.test(value)) {
    throw new ZrmError(
      'invalid_request',
      '"voice_id" must be 1 to 64 letters, digits, "_" or "-".',
      {
        param: 'voice_id',
      },
    );
  }
  return value;
}

function optionalModel(value: unknown): string {
  if (value === undefined) return 'eleven_multilingual_v2';
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(value)) {
    throw new ZrmError('invalid_request', '"model_id" must be a short identifier.', {
      param: 'model_id',
    });
  }
  return value;
}

/** Runs `fn` in a span; the span carries content the way real services put it there. */
export async function traced<T>(
  services: Services,
  name: string,
  attributes: Record<string, string | number>,
  fn: () => Promise<T> | T,
): Promise<T> {
  return services.telemetry.tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

export interface SpeechResult {
  audio: Buffer;
  historyItemId: string | undefined;
}

export interface TextToSpeechInput {
  voiceId: unknown;
  text: unknown;
  modelId: unknown;
}

export async function textToSpeech(
  s: Services,
  ctx: RequestContext,
  input: TextToSpeechInput,
): Promise<SpeechResult> {
  const voiceId = requireVoiceId(input.voiceId);
  const text = requireText(input.text, 'text');
  const modelId = optionalModel(input.modelId);
  markSensitive(text);
  // a request summary on the console, as services print one; in ZRM guardConsole() makes it content-free
  console.log('tts voice=%s model=%s chars=%d text=%s', voiceId, modelId ?? '-', text.length, text);
  // services log what they generate; in ZRM @zrm/pino keeps this line content-free
  ctx.log.info(
    { voice_id: voiceId, model_id: modelId, text, character_count: text.length },
    'text-to-speech request',
  );
  const audio = await traced(
    s,
    'tts.synthesize',
    { 'tts.voice_id': voiceId, 'tts.text': text },
    () => synthesize(text),
  );
  markSensitive(audio);
  const historyItemId = await s.history.record({
    owner: ctx.tenant,
    requestId: ctx.requestId,
    text,
    audio,
    voiceId,
    modelId,
    metadata: { source: 'tts', character_count: text.length },
  });
  ctx.log.info({ history_item_id: historyItemId, bytes: audio.length }, 'text-to-speech done');
  return { audio, historyItemId };
}

export interface AudioInput {
  audio: Buffer | undefined;
  param: string;
}

function requireAudio(s: Services, input: AudioInput): Buffer {
  if (input.audio === undefined || input.audio.length === 0) {
    throw new ZrmError('invalid_request', `"${input.param}" must be an uploaded audio file.`, {
      param: input.param,
    });
  }
  // the leak a disk-storage upload parser would make (test-only variant)
  if (s.leaky === true) writeFileSync(join(tmpdir(), `upload-${randomUUID()}.wav`), input.audio);
  return input.audio;
}

export interface TranscriptResult {
  text: string;
  language_code: string;
  language_probability: number;
  words: { text: string; start: number; end: number; type: 'word'; logprob: number }[];
}

export async function speechToText(
  s: Services,
  ctx: RequestContext,
  input: AudioInput & { modelId: unknown },
): Promise<TranscriptResult> {
  const audio = requireAudio(s, input);
  const modelId = optionalModel(input.modelId);
  const text = await traced(s, 'stt.transcribe', { 'stt.model_id': modelId }, () =>
    transcribe(audio),
  );
  markSensitive(text);
  ctx.log.info({ model_id: modelId, bytes: audio.length, transcript: text }, 'speech-to-text done');
  await s.history.record({
    owner: ctx.tenant,
    requestId: ctx.requestId,
    text,
    modelId,
    metadata: { source: 'stt' },
  });
  let at = 0;
  const words = text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const start = at;
      at += (word.length + 1) * 0.04;
      return { text: word, start, end: at, type: 'word' as const, logprob: 0 };
    });
  return { text, language_code: 'en', language_probability: 1, words };
}

export async function speechToSpeech(
  s: Services,
  ctx: RequestContext,
  input: AudioInput & { voiceId: unknown; modelId: unknown },
): Promise<SpeechResult> {
  const voiceId = requireVoiceId(input.voiceId);
  const audio = requireAudio(s, input);
  const modelId = optionalModel(input.modelId);
  const text = transcribe(audio);
  markSensitive(text);
  ctx.log.info({ voice_id: voiceId, transcript: text }, 'speech-to-speech request');
  const out = await traced(
    s,
    'sts.convert',
    { 'sts.voice_id': voiceId, 'sts.transcript': text },
    () => synthesize(text),
  );
  markSensitive(out);
  const historyItemId = await s.history.record({
    owner: ctx.tenant,
    requestId: ctx.requestId,
    text,
    audio: out,
    voiceId,
    modelId,
    metadata: { source: 'sts' },
  });
  return { audio: out, historyItemId };
}

export interface HistoryEntry {
  history_item_id: string;
  request_id?: string;
  voice_id?: string;
  model_id?: string;
  text?: string;
  date_unix: number;
  character_count_change_from: number;
  character_count_change_to: number;
  content_type: string;
  state: 'created';
  source: string;
}

/** The vendor's name of each source of history (an agent's conversations are `ConvAI`). */
const SOURCES: Record<string, string> = { tts: 'TTS', sts: 'STS', convai: 'ConvAI' };

function entry(item: StoredHistoryItem): HistoryEntry {
  const source = typeof item.metadata?.source === 'string' ? item.metadata.source : 'tts';
  // absent fields are left out, not null: the vendor's SDK validates optional strings
  return {
    history_item_id: item.id,
    ...(item.requestId !== undefined ? { request_id: item.requestId } : {}),
    ...(item.voiceId !== undefined ? { voice_id: item.voiceId } : {}),
    ...(item.modelId !== undefined ? { model_id: item.modelId } : {}),
    ...(item.text !== undefined ? { text: item.text } : {}),
    date_unix: Math.floor(item.createdAt.getTime() / 1000),
    character_count_change_from: 0,
    character_count_change_to: item.text?.length ?? 0,
    content_type: 'audio/wav',
    state: 'created',
    source: SOURCES[source] ?? 'STT',
  };
}

/** A list's `page_size` query parameter: `fallback` when absent, else an integer from 1 to `max`. */
export function pageSize(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new ZrmError('invalid_request', `"page_size" must be an integer from 1 to ${max}.`, {
      param: 'page_size',
    });
  }
  return n;
}

export async function listHistory(
  s: Services,
  ctx: RequestContext,
  query: { page_size?: unknown; cursor?: unknown },
): Promise<{
  history: HistoryEntry[];
  has_more: boolean;
  last_history_item_id?: string;
  next_cursor?: string;
}> {
  const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined;
  const page = await s.history.list(ctx.tenant, {
    limit: pageSize(query.page_size, 100, 1000),
    cursor,
  });
  const history = page.items.map(entry);
  const last = history.at(-1)?.history_item_id;
  return {
    history,
    has_more: page.nextCursor !== undefined,
    ...(last !== undefined ? { last_history_item_id: last } : {}),
    ...(page.nextCursor !== undefined ? { next_cursor: page.nextCursor } : {}),
  };
}

export async function getHistoryItem(
  s: Services,
  ctx: RequestContext,
  id: string,
): Promise<HistoryEntry> {
  return entry(await s.history.get(ctx.tenant, id));
}

export async function getHistoryAudio(
  s: Services,
  ctx: RequestContext,
  id: string,
): Promise<Buffer> {
  const item = await s.history.get(ctx.tenant, id);
  if (item.audio === undefined) throw new ZrmError('not_found', 'This history item has no audio.');
  return Buffer.from(item.audio);
}

export async function deleteHistoryItem(
  s: Services,
  ctx: RequestContext,
  id: string,
): Promise<{ status: 'ok' }> {
  await s.history.delete(ctx.tenant, id);
  return { status: 'ok' };
}

/** Response headers of a generated audio response. */
export function speechHeaders(result: SpeechResult): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'audio/wav' };
  if (result.historyItemId !== undefined && !isZeroRetention())
    headers['history-item-id'] = result.historyItemId;
  return headers;
}
