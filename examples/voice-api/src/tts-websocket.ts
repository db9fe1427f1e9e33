import { currentScope, markSensitive } from '@zrm/core';
import type { WebSocket } from 'ws';
import { synthesize } from './audio.js';
import { tenantOf } from './config.js';
import { apiKeyOf } from './policy.js';
import { requireVoiceId } from './services.js';
import { closeWith, parseJsonMessage, sendJson, type ConnectionHandler } from './ws-messages.js';

const PATH = /^\/v1\/text-to-speech\/([^/?]+)\/stream-input(?:\?|$)/;

interface InputMessage {
  text?: unknown;
  xi_api_key?: unknown;
  flush?: unknown;
  try_trigger_generation?: unknown;
}

function sendError(socket: WebSocket, code: string, message: string): void {
  sendJson(socket, { error: { code, message } });
  closeWith(socket, code);
}

/** One connection: text arrives in pieces, audio goes back per flush, `{ "text": "" }` ends it. */
export const onTtsConnection: ConnectionHandler = (services, logger, socket, req) => {
  const voiceId = PATH.exec(req.url ?? '')?.[1];
  let tenant = tenantOf(services.config, apiKeyOf(req));
  let buffered = '';
  const log = logger.child({ route: 'tts-websocket', requestId: currentScope()?.requestId });

  const generate = (isFinal: boolean) => {
    if (buffered.trim() !== '') {
      const text = buffered;
      buffered = '';
      markSensitive(text);
      const audio = synthesize(text);
      log.info({ voice_id: voiceId, text, bytes: audio.length }, 'websocket text-to-speech chunk');
      socket.send(
        JSON.stringify({
          audio: audio.toString('base64'),
          isFinal: false,
          normalizedAlignment: null,
        }),
      );
    }
    if (isFinal) {
      socket.send(JSON.stringify({ isFinal: true }));
      socket.close(1000);
    }
  };

  socket.on('message', (data) => {
    const message = parseJsonMessage(data) as InputMessage | undefined;
    if (message === undefined || typeof message.text !== 'string') {
      sendError(
        socket,
        'invalid_request',
        'Each message must be a JSON object with a "text" string.',
      );
      return;
    }
    tenant ??=
      typeof message.xi_api_key === 'string'
        ? tenantOf(services.config, message.xi_api_key)
        : undefined;
    if (tenant === undefined) {
      sendError(
        socket,
        'invalid_request',
        'A valid xi-api-key header or xi_api_key field is required.',
      );
      return;
    }
    if (message.text === '') {
      generate(true);
      return;
    }
    markSensitive(message.text);
    buffered += message.text;
    if (message.flush === true || message.try_trigger_generation === true) generate(false);
  });
  socket.on('error', () => log.warn('websocket error'));
};

/** Accepts `/v1/text-to-speech/:voice_id/stream-input` with a valid voice id. */
export function isTtsWebSocketUrl(url: string): boolean {
  const match = PATH.exec(url);
  if (match === null) return false;
  try {
    requireVoiceId(decodeURIComponent(match[1]!));
    return true;
  } catch {
    return false;
  }
}
