export { zeroRetentionWebSocket } from './zero-retention-websocket.js';
export type {
  UpgradeHandlingServer,
  UpgradedSocket,
  WebSocketAdapterOptions,
  ZeroRetentionWebSocketOptions,
} from './types.js';
