import type { Server } from 'node:http';
import type { Policy } from '@zrm/core';
import { zeroRetentionWebSocket } from '@zrm/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { isConversationUrl, onConversationConnection } from './conversation-websocket.js';
import { isRealtimeSttUrl, onRealtimeSttConnection } from './realtime-stt.js';
import type { Services } from './services.js';
import { isTtsWebSocketUrl, onTtsConnection } from './tts-websocket.js';
import type { ConnectionHandler } from './ws-messages.js';

/** Each websocket route of the service, matched on the upgrade request's URL. */
const ROUTES: readonly { matches: (url: string) => boolean; connect: ConnectionHandler }[] = [
  { matches: isTtsWebSocketUrl, connect: onTtsConnection },
  { matches: isConversationUrl, connect: onConversationConnection },
  { matches: isRealtimeSttUrl, connect: onRealtimeSttConnection },
];

/**
 * The service's websockets on its HTTP server — text-to-speech input
 * streaming, agent conversations and realtime speech-to-text — each a `ws`
 * server under `@zrm/ws`, so every connection and message runs in its scope.
 */
export function attachWebSockets(
  server: Server,
  services: Services,
  policy: Policy,
  logger: Logger,
): void {
  const routes = ROUTES.map((route) => {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
    zeroRetentionWebSocket(wss, policy);
    wss.on('connection', (socket, req) => route.connect(services, logger, socket, req));
    return { matches: route.matches, wss };
  });
  server.on('upgrade', (req, socket, head) => {
    const route = routes.find((r) => r.matches(req.url ?? ''));
    if (route === undefined) {
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    route.wss.handleUpgrade(req, socket, head, (ws) => route.wss.emit('connection', ws, req));
  });
}
