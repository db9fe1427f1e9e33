import type { IncomingMessage, Server } from 'node:http';
import { currentScope, markSensitive, type Policy } from '@zrm/core';
import { zeroRetentionWebSocket } from '@zrm/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { synthesize } from './audio.js';
import { tenantOf } from './config.js';
import { apiKeyOf } from './policy.js';
import { requireVoiceId, type Services } from './services.js';

const PATH = /^\/v1\/text-to-speech\/([^/?]+)\/stream-input(?:\?|$)/;

interface InputMessage {
  text?: unknown;
  xi_api_key?: unknown;
  flush?: unknown;
  try_trigger_generation?: unknown;
}

function parse(data: RawData): InputMessage | undefined {
  try {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    const text = bytes.toString('utf8');
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function sendError(socket: WebSocket, code: string, message: string): void {
  socket.send(JSON.stringify({ error: { code, message } }));
  socket.close(1008, code);
}

/** One connection: text arrives in pieces, audio goes back per flush, `{ "text": "" }` ends it. */
function onConnection(
  services: Services,
  logger: Logger,
  socket: WebSocket,
  req: IncomingMessage,
): void {
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
    const message = parse(data);
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
}

/** The TTS websocket, `/v1/text-to-speech/:voice_id/stream-input`, on the service's HTTP server. */
export function attachTtsWebSocket(
  server: Server,
  services: Services,
  policy: Policy,
  logger: Logger,
): void {
  const wss = new WebSocketServer({ noServer: true });
  zeroRetentionWebSocket(wss, policy);
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) =>
    onConnection(services, logger, socket, req),
  );
  server.on('upgrade', (req, socket, head) => {
    const match = PATH.exec(req.url ?? '');
    try {
      if (match === null) throw new Error('no route');
      requireVoiceId(decodeURIComponent(match[1]!));
    } catch {
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
}
