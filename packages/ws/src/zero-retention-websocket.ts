import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  registerQuery,
  defaultRequestId,
  decideRequest,
  createScope,
  definePolicy,
  type Policy,
  type ZrmDecision,
  type ZrmScope,
} from '@zrm/core';
import { attachConnection } from './connection-scope.js';
import { refuseUpgrade } from './refuse-upgrade.js';
import type {
  UpgradedSocket,
  UpgradeHandlingServer,
  ZeroRetentionWebSocketOptions,
} from './types.js';

const kInstalled = Symbol.for('@zrm/ws.installed');

type UpgradeCallback = (client: UpgradedSocket, request: IncomingMessage) => void;

function requestIdOf(options: ZeroRetentionWebSocketOptions, req: IncomingMessage): string {
  const custom = 'requestId' in options ? options.requestId : undefined;
  try {
    const id = custom?.(req);
    if (typeof id === 'string' && id !== '') return id;
  } catch {
    // fall back to the default id
  }
  return defaultRequestId(req);
}

/** A refused upgrade is answered in a ZRM scope, so nothing logged meanwhile keeps its query. */
function refuse(
  req: IncomingMessage,
  socket: Duplex,
  url: string,
  error: unknown,
  policy: Policy,
  id: string,
): void {
  const scope = createScope({ zeroRetention: true, source: 'request', requestId: id, policy });
  socket.once('close', () => scope.end());
  scope.run(() => {
    registerQuery(url, scope, true);
    refuseUpgrade(socket, error);
  });
}

/**
 * `zeroRetentionWebSocket(wss, options)`: each connection gets the mode its
 * upgrade request asks for (`enable_logging` in the query, policy, principal);
 * an invalid request is refused with a JSON 4xx before the handshake. Every
 * `connection`, `message`, `close` and `error` handler of a connection runs in
 * its scope, received frames of a ZRM connection are registered as content,
 * and a message field can turn ZRM on mid-session (never off). Returns `wss`.
 */
export function zeroRetentionWebSocket<S extends UpgradeHandlingServer>(
  wss: S,
  options: ZeroRetentionWebSocketOptions = {},
): S {
  const marked = wss as S & { [kInstalled]?: true };
  if (marked[kInstalled] === true)
    throw new TypeError('zeroRetentionWebSocket: already installed on this server');
  marked[kInstalled] = true;
  const policy = definePolicy(options);
  const flag =
    'messageFlag' in options && options.messageFlag !== undefined
      ? options.messageFlag
      : 'enable_logging';
  const scopes = new WeakMap<IncomingMessage, ZrmScope>();
  const handleUpgrade = wss.handleUpgrade.bind(wss);

  function accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    cb: UpgradeCallback,
    decision: ZrmDecision,
    url: string,
    id: string,
  ) {
    const scope = createScope({
      zeroRetention: decision.zeroRetention,
      source: decision.source,
      requestId: id,
      policy,
    });
    scopes.set(req, scope);
    let connected = false;
    // once connected, the connection's own 'close' ends the scope (after its handlers ran)
    socket.once('close', () => {
      if (!connected) scope.end();
    });
    scope.run(() => {
      if (scope.zeroRetention) registerQuery(url, scope);
      handleUpgrade(req, socket, head, (client, request) => {
        connected = true;
        scope.run(() => {
          attachConnection(client, { scope, policy, req, flag });
          cb(client, request);
        });
      });
    });
  }

  wss.handleUpgrade = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    cb: UpgradeCallback,
  ): void => {
    const url = req.url ?? '/';
    const id = requestIdOf(options, req);
    let decision: ZrmDecision | Promise<ZrmDecision>;
    try {
      decision = decideRequest(req, url, policy);
    } catch (error) {
      refuse(req, socket, url, error, policy, id);
      return;
    }
    if (decision instanceof Promise) {
      decision.then(
        (d) => accept(req, socket, head, cb, d, url, id),
        (error: unknown) => refuse(req, socket, url, error, policy, id),
      );
      return;
    }
    accept(req, socket, head, cb, decision, url, id);
  };

  wss.on('headers', (headers: string[], req: IncomingMessage) => {
    if (scopes.get(req)?.zeroRetention === true) headers.push('Zero-Retention: enforced');
  });
  return wss;
}
