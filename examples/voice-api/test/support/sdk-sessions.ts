import { once } from 'node:events';
import {
  AudioFormat,
  CommitStrategy,
  RealtimeEvents,
  type ElevenLabsClient,
} from '@elevenlabs/elevenlabs-js';
// the SDK's conversation client ships in the package (beta) but is not re-exported from its entry
import {
  AudioInterface,
  Conversation,
} from '@elevenlabs/elevenlabs-js/api/resources/conversationalAi/conversation/index.js';
import { createAudioCanary, type AudioCanary, type TextCanary } from '@zrm/testing';
import { pcmOf, synthesize } from '../../src/index.js';
import { textCanary } from './service.js';

/** A text-only conversation: nothing from the microphone, the agent's speech kept. */
class TextOnlyAudio extends AudioInterface {
  readonly received: Buffer[] = [];
  start(): void {}
  stop(): void {}
  output(audio: Buffer): void {
    this.received.push(audio);
  }
  interrupt(): void {}
}

export interface ConversationResult {
  conversationId: string;
  replies: string[];
  /** The agent's speech (16 kHz PCM), every `audio` event. */
  speech: Buffer;
}

/**
 * A conversation with an agent through the SDK's `Conversation`, opened with a
 * signed URL (`requiresAuth`): one `sendUserMessage` per text, each answered
 * before the next is sent. `greeting` is how many replies arrive unasked (the
 * agent's first message).
 */
export async function converse(
  client: ElevenLabsClient,
  agentId: string,
  texts: readonly string[],
  greeting = 0,
): Promise<ConversationResult> {
  const audio = new TextOnlyAudio();
  const replies: string[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  const conversation = new Conversation({
    // the client that asks for the signed URL (the SDK's option for it)
    conversationClient: client,
    agentId,
    requiresAuth: true,
    audioInterface: audio,
    callbackAgentResponse: (reply) => {
      replies.push(reply);
      if (waiting !== undefined && replies.length >= waiting.count) waiting.resolve();
    },
  });
  const replied = (count: number) =>
    new Promise<void>((resolve) => {
      waiting = { count, resolve };
      if (replies.length >= count) resolve();
    });
  const started = once(conversation, 'conversation_started');
  await conversation.startSession();
  await started;
  await replied(greeting);
  for (const [i, text] of texts.entries()) {
    conversation.sendUserMessage(text);
    await replied(greeting + i + 1);
  }
  const conversationId = conversation.getConversationId()!;
  conversation.endSession();
  return { conversationId, replies, speech: Buffer.concat(audio.received) };
}

/**
 * A conversation whose first turn the service refuses: resolves with the close
 * code and reason the SDK reported (`session_ended`).
 */
export async function refusedTurn(
  client: ElevenLabsClient,
  agentId: string,
  text: string,
): Promise<{ code: number; reason: string; replies: string[] }> {
  const replies: string[] = [];
  const conversation = new Conversation({
    conversationClient: client,
    agentId,
    requiresAuth: true,
    audioInterface: new TextOnlyAudio(),
    callbackAgentResponse: (reply) => replies.push(reply),
  });
  const started = once(conversation, 'conversation_started');
  await conversation.startSession();
  await started;
  const ended = once(conversation, 'session_ended') as Promise<[string, number, string]>;
  conversation.sendUserMessage(text);
  const [, code, reason] = await ended;
  return { code, reason, replies };
}

export interface RealtimeResult {
  config: Record<string, unknown>;
  partials: string[];
  committed: string[];
  timestamps: { text: string; words?: { text?: string }[] | null }[];
}

export interface RealtimeOptions {
  enableLogging?: boolean;
  commitStrategy?: CommitStrategy;
  vadSilenceThresholdSecs?: number;
  includeTimestamps?: boolean;
  previousText?: string;
  /** Audio chunks (16 kHz PCM) sent in order. */
  chunks: readonly Buffer[];
  /** Commit after the last chunk (the manual strategy); with `vad` the server commits. */
  commit: boolean;
  /** How many committed transcripts to wait for. */
  segments?: number;
}

/** A realtime speech-to-text session through the SDK's `speechToText.realtime.connect`. */
export async function transcribeLive(
  client: ElevenLabsClient,
  options: RealtimeOptions,
): Promise<RealtimeResult> {
  const connection = await client.speechToText.realtime.connect({
    modelId: 'scribe_v2_realtime',
    audioFormat: AudioFormat.PCM_16000,
    sampleRate: 16_000,
    commitStrategy: options.commitStrategy ?? CommitStrategy.MANUAL,
    ...(options.enableLogging !== undefined ? { enableLogging: options.enableLogging } : {}),
    ...(options.vadSilenceThresholdSecs !== undefined
      ? { vadSilenceThresholdSecs: options.vadSilenceThresholdSecs }
      : {}),
    ...(options.includeTimestamps !== undefined
      ? { includeTimestamps: options.includeTimestamps }
      : {}),
  });
  const result: RealtimeResult = { config: {}, partials: [], committed: [], timestamps: [] };
  const segments = options.segments ?? 1;
  const done = new Promise<void>((resolve, reject) => {
    connection.on(RealtimeEvents.COMMITTED_TRANSCRIPT, (message) => {
      result.committed.push(message.text);
      if (result.committed.length === segments && options.includeTimestamps !== true) resolve();
    });
    connection.on(RealtimeEvents.COMMITTED_TRANSCRIPT_WITH_TIMESTAMPS, (message) => {
      result.timestamps.push(message);
      if (result.timestamps.length === segments) resolve();
    });
    connection.on(RealtimeEvents.ERROR, (error) =>
      reject(new Error('message' in error ? error.message : error.error)),
    );
  });
  const sessionStarted = new Promise<void>((resolve) =>
    connection.on(RealtimeEvents.SESSION_STARTED, (message) => {
      result.config = message.config as Record<string, unknown>;
      resolve();
    }),
  );
  connection.on(RealtimeEvents.PARTIAL_TRANSCRIPT, (message) => result.partials.push(message.text));
  // a refused upgrade (403) or a refused session ends `done` first
  await Promise.race([sessionStarted, done]);
  for (const [i, chunk] of options.chunks.entries()) {
    connection.send({
      audioBase64: chunk.toString('base64'),
      ...(i === 0 && options.previousText !== undefined
        ? { previousText: options.previousText }
        : {}),
    });
  }
  if (options.commit) connection.commit();
  try {
    await done;
  } finally {
    connection.close();
  }
  return result;
}

/** The synthetic speech of `text` as raw PCM, cut into chunks of about `ms` milliseconds. */
export function speechChunks(text: string, ms = 250): Buffer[] {
  const pcm = pcmOf(synthesize(text));
  const size = 32 * ms;
  const chunks: Buffer[] = [];
  for (let at = 0; at < pcm.length; at += size) chunks.push(pcm.subarray(at, at + size));
  return chunks;
}

/** `seconds` of silence as raw PCM. */
export function silence(seconds: number): Buffer {
  return Buffer.alloc(Math.round(seconds * 32_000));
}

/** The canaries of one realtime session: what was said, the context text, and raw audio bytes. */
export interface SessionCanaries {
  spoken: TextCanary;
  context: TextCanary;
  audio: AudioCanary;
  result: RealtimeResult;
}

/**
 * A realtime session carrying three canaries: a text canary spoken (its
 * transcript), another as `previousText`, and an audio canary's bytes as a
 * chunk after the speech.
 */
export async function canarySession(
  client: ElevenLabsClient,
  enableLogging?: boolean,
): Promise<SessionCanaries> {
  const spoken = textCanary();
  const context = textCanary();
  const audio = createAudioCanary('chunk');
  const result = await transcribeLive(client, {
    ...(enableLogging !== undefined ? { enableLogging } : {}),
    previousText: context.value,
    chunks: [...speechChunks(spoken.value), Buffer.from(audio.bytes)],
    commit: true,
  });
  return { spoken, context, audio, result };
}

/** What the stand-in reads back from the synthetic speech of `text` (one `?` per non-ASCII letter). */
export const heard = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?');
