import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { definePolicy, type Policy, type ZrmDecision, type ZrmScope } from '@zrm/core';
import { createScope, decide, registerQuery, requestIdOf, whenDecided } from '@zrm/core/adapter';
import { attachConnection } from './connection-scope.js';
import { refuseUpgrade } from './refuse-upgrade.js';
import type {
  UpgradedSocket,
  UpgradeHandlingServer,
  ZeroRetentionWebSocketOptions,
} from './types.js';

const kInstalled = Symbol.for('@zrm/ws.installed');

type UpgradeCallback = (client: UpgradedSocket, request: IncomingMessage) => void;

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
  const policy = definePolicy<IncomingMessage>(options);
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
    const id = requestIdOf(req, 'requestId' in options ? options.requestId : undefined);
    whenDecided(
      decide({ moment: 'head', request: req, url, headers: req.headers }, policy),
      (decision) => accept(req, socket, head, cb, decision, url, id),
      (error) => refuse(req, socket, url, error, policy, id),
    );
  };

  wss.on('headers', (headers: string[], req: IncomingMessage) => {
    if (scopes.get(req)?.zeroRetention === true) headers.push('Zero-Retention: enforced');
  });
  return wss;
}
