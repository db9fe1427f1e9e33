import { randomBytes } from 'node:crypto';
import { currentScope, isZeroRetention, markSensitive } from '@zrm/core';
import { queryValues } from '@zrm/core/adapter';
import { PCM_BYTES_PER_SECOND, wavOf } from './audio.js';
import { tenantOf } from './config.js';
import { apiKeyOf } from './policy.js';
import { traced } from './services.js';
import { CHARACTER_BYTES, isSilent, SpeechSegment } from './speech-segment.js';
import { closeWith, parseJsonMessage, sendJson, type ConnectionHandler } from './ws-messages.js';

const PATH = /^\/v1\/speech-to-text\/realtime(?:\?|$)/;

/** `/v1/speech-to-text/realtime`: the vendor's realtime speech-to-text websocket. */
export function isRealtimeSttUrl(url: string): boolean {
  return PATH.test(url);
}

/** A segment may hold at most five minutes of audio before it must be committed. */
const MAX_SEGMENT_BYTES = 300 * PCM_BYTES_PER_SECOND;

interface SessionConfig {
  modelId: string;
  commitStrategy: 'manual' | 'vad';
  vadSilenceSecs: number;
  includeTimestamps: boolean;
  languageCode: string | undefined;
}

type Refusal = { type: 'invalid_request'; error: string };

/** The session's settings from the query the SDK builds; a refusal names the parameter, never a value. */
function sessionConfig(url: string): SessionConfig | Refusal {
  const one = (name: string) => queryValues(url, name)[0];
  const refuse = (error: string): Refusal => ({ type: 'invalid_request', error });
  const modelId = one('model_id');
  if (modelId === undefined || !/^[A-Za-z0-9_.-]{1,64}$/.test(modelId))
    return refuse('"model_id" is required and must be a short identifier.');
  const format = one('audio_format') ?? 'pcm_16000';
  if (format !== 'pcm_16000') return refuse('"audio_format" must be pcm_16000 here.');
  const strategy = one('commit_strategy') ?? 'manual';
  if (strategy !== 'manual' && strategy !== 'vad')
    return refuse('"commit_strategy" must be manual or vad.');
  const silence = Number(one('vad_silence_threshold_secs') ?? '1.5');
  if (!(silence >= 0.3 && silence <= 3))
    return refuse('"vad_silence_threshold_secs" must be between 0.3 and 3.0.');
  const timestamps = one('include_timestamps');
  if (timestamps !== undefined && timestamps !== 'true' && timestamps !== 'false')
    return refuse('"include_timestamps" must be true or false.');
  const languageCode = one('language_code');
  return {
    modelId,
    commitStrategy: strategy,
    vadSilenceSecs: silence,
    includeTimestamps: timestamps === 'true',
    languageCode,
  };
}

function words(text: string): { text: string; start: number; end: number; type: 'word' }[] {
  const out: { text: string; start: number; end: number; type: 'word' }[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    const start = (match.index * CHARACTER_BYTES) / PCM_BYTES_PER_SECOND;
    out.push({
      text: match[0],
      start,
      end: start + (match[0].length * CHARACTER_BYTES) / PCM_BYTES_PER_SECOND,
      type: 'word',
    });
  }
  return out;
}

/**
 * One realtime session, as the vendor's SDK (`speechToText.realtime.connect`)
 * holds it: the server announces the session, audio arrives in base64 chunks
 * (`input_audio_chunk`), a partial transcript follows each chunk, and a commit
 * — the client's (`commit: true`), or the server's after a silence with the
 * `vad` strategy — yields the committed transcript. A committed segment is
 * logged, traced and kept in history with its audio, as the batch route
 * keeps its transcript; in ZRM (`enable_logging=false`) zrm keeps all of it
 * out of every sink.
 */
export const onRealtimeSttConnection: ConnectionHandler = (services, logger, socket, req) => {
  const log = logger.child({ route: 'stt-realtime', requestId: currentScope()?.requestId });
  const tenant = tenantOf(services.config, apiKeyOf(req));
  if (tenant === undefined) {
    sendJson(socket, {
      message_type: 'auth_error',
      error: 'A valid xi-api-key header is required.',
    });
    closeWith(socket, 'invalid_request');
    return;
  }
  const config = sessionConfig(req.url ?? '');
  if ('type' in config) {
    sendJson(socket, { message_type: config.type, error: config.error });
    closeWith(socket, 'invalid_request');
    return;
  }
  const sessionId = randomBytes(16).toString('hex');
  let segment = new SpeechSegment();
  let chunks = 0;
  let partial = '';
  let previousText: string | undefined;
  sendJson(socket, {
    message_type: 'session_started',
    session_id: sessionId,
    config: {
      sample_rate: 16_000,
      audio_format: 'pcm_16000',
      language_code: config.languageCode ?? null,
      commit_strategy: config.commitStrategy,
      vad_silence_threshold_secs: config.vadSilenceSecs,
      model_id: config.modelId,
      enable_logging: !isZeroRetention(),
      include_timestamps: config.includeTimestamps,
    },
  });
  log.info(
    { session_id: sessionId, model_id: config.modelId, commit_strategy: config.commitStrategy },
    'realtime speech-to-text session started',
  );
  const inputError = (error: string) => sendJson(socket, { message_type: 'input_error', error });

  const keep = async (text: string, audio: Buffer) => {
    log.info(
      {
        model_id: config.modelId,
        bytes: audio.length,
        transcript: text,
        previous_text: previousText,
      },
      'realtime speech-to-text committed',
    );
    await traced(
      services,
      'stt.realtime.commit',
      { 'stt.model_id': config.modelId, 'stt.transcript': text },
      () =>
        services.history.record({
          owner: tenant,
          requestId: currentScope()?.requestId,
          text,
          audio: wavOf(audio),
          modelId: config.modelId,
          metadata: { source: 'stt', realtime: true },
        }),
    );
  };
  // commits are answered one at a time, in order, so transcripts arrive in the order spoken
  let queue: Promise<void> = Promise.resolve();
  const commit = () => {
    const { text } = segment;
    const audio = segment.audio();
    segment = new SpeechSegment();
    partial = '';
    markSensitive(text);
    queue = queue
      .then(async () => {
        if (audio.length > 0) await keep(text, audio);
        sendJson(socket, { message_type: 'committed_transcript', text });
        if (config.includeTimestamps) {
          sendJson(socket, {
            message_type: 'committed_transcript_with_timestamps',
            text,
            language_code: config.languageCode ?? 'en',
            words: words(text),
          });
        }
      })
      .catch(() => {
        log.warn({ session_id: sessionId }, 'realtime commit failed');
        sendJson(socket, {
          message_type: 'transcriber_error',
          error: 'The segment could not be transcribed.',
        });
      });
  };

  socket.on('message', (data) => {
    const message = parseJsonMessage(data);
    if (message?.message_type !== 'input_audio_chunk') {
      inputError('Each message must be a JSON input_audio_chunk.');
      return;
    }
    const { audio_base_64: base64, commit: commitNow, sample_rate: rate } = message;
    if (typeof base64 !== 'string' || (commitNow !== undefined && typeof commitNow !== 'boolean')) {
      inputError('"audio_base_64" must be a base64 string and "commit" a boolean.');
      return;
    }
    if (rate !== undefined && rate !== 16_000) {
      inputError('"sample_rate" must be 16000 here.');
      return;
    }
    if (message.previous_text !== undefined) {
      if (typeof message.previous_text !== 'string' || chunks > 0) {
        inputError('"previous_text" is a string sent with the first audio chunk only.');
        return;
      }
      previousText = message.previous_text;
      markSensitive(previousText);
    }
    chunks += 1;
    const pcm = Buffer.from(base64, 'base64');
    // with the vad strategy a segment starts with speech: silence between utterances is dropped
    if (
      pcm.length > 0 &&
      (config.commitStrategy === 'manual' || segment.bytes > 0 || !isSilent(pcm))
    ) {
      markSensitive(pcm);
      segment.push(pcm);
      if (segment.bytes > MAX_SEGMENT_BYTES) {
        sendJson(socket, {
          message_type: 'chunk_size_exceeded',
          error: 'A segment must be committed within five minutes of audio.',
        });
        closeWith(socket, 'invalid_request');
        return;
      }
      // a partial is a prefix of the committed transcript (registered then) and goes to no sink:
      // registering each short prefix would only scrub ordinary text that happens to start alike
      if (segment.text !== '' && segment.text !== partial) {
        partial = segment.text;
        sendJson(socket, { message_type: 'partial_transcript', text: partial });
      }
    }
    const heardSilence =
      config.commitStrategy === 'vad' &&
      segment.text !== '' &&
      segment.silentTail >= config.vadSilenceSecs * PCM_BYTES_PER_SECOND;
    if (commitNow === true || heardSilence) commit();
  });
  socket.on('close', () =>
    log.info({ session_id: sessionId, chunks }, 'realtime speech-to-text session ended'),
  );
  socket.on('error', () => log.warn('websocket error'));
};
