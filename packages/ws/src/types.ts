import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Policy, PolicyOptions } from '@zrm/core';

/** Adapter settings that are not part of the policy. */
export interface WebSocketAdapterOptions {
  /**
   * Top-level field of a JSON text message that can turn ZRM on mid-session
   * (`false`/`"false"`/`0`/`"0"`), never off. `false` disables it. Default: `enable_logging`.
   */
  messageFlag?: string | false;
  /** The request id put on the connection's scope. Default: `x-request-id` when it is a short token, else a UUID. */
  requestId?: (req: IncomingMessage) => string | undefined;
}

/**
 * `zeroRetentionWebSocket(wss, options)`: a policy or its options plus adapter settings. The callbacks receive the
 * upgrade request (`IncomingMessage`), at the upgrade and for a mid-session flag.
 */
export type ZeroRetentionWebSocketOptions =
  Policy<IncomingMessage> | (PolicyOptions<IncomingMessage> & WebSocketAdapterOptions);

/** The connection as the adapter sees it: a `ws` WebSocket fits. */
export interface UpgradedSocket extends EventEmitter {
  close(code?: number, reason?: string): void;
}

/** What the adapter needs of a websocket server: `ws`'s `WebSocketServer` fits. */
export interface UpgradeHandlingServer extends EventEmitter {
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (client: UpgradedSocket, request: IncomingMessage) => void,
  ): void;
}
