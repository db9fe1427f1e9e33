import type { IncomingMessage } from 'node:http';
import { isZrmError, markSensitive, type Policy, type ZrmScope } from '@zrm/core';
import { decide, runEmitterInScope, whenDecided } from '@zrm/core/adapter';
import { registerMessage } from './content-taint.js';
import { messageField, parseJsonObject } from './message-flag.js';
import type { UpgradedSocket } from './types.js';

const POLICY_VIOLATION = 1008;

function asText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return undefined;
}

function binaryOf(data: unknown): unknown {
  return Array.isArray(data) ? Buffer.concat(data as Buffer[]) : data;
}

interface ConnectionContext {
  scope: ZrmScope;
  policy: Policy<IncomingMessage>;
  req: IncomingMessage;
  flag: string | false;
}

/** Refuses the message and closes the connection with the error's code as the reason. */
function refuse(ws: UpgradedSocket, error: unknown): void {
  ws.close(POLICY_VIOLATION, isZrmError(error) ? error.code : 'internal_error');
}

/**
 * Handles a received message before the app sees it: a flag field can turn
 * ZRM on (never off); in ZRM the message is registered as content. Returns
 * false when the message is refused (the connection is being closed).
 */
function onMessage(
  ws: UpgradedSocket,
  context: ConnectionContext,
  data: unknown,
  isBinary: unknown,
): boolean {
  const { scope, flag } = context;
  const text = isBinary === true ? undefined : asText(data);
  const mayFlag = flag !== false && text !== undefined && text.includes(flag);
  const parsed =
    text !== undefined && (mayFlag || scope.zeroRetention) ? parseJsonObject(text) : undefined;
  const field = mayFlag ? messageField(parsed, flag) : undefined;
  if (field !== undefined) {
    const current = { zeroRetention: scope.zeroRetention, source: scope.source };
    const answer = decide(
      { moment: 'message', request: context.req, current, flag: field, url: context.req.url },
      context.policy,
    );
    if (answer === current) return passOn(ws, context, text, parsed, data, isBinary);
    // fail closed: a message that asks for ZRM, or garbles the flag, is content while it is decided
    scope.tighten('message');
    registerMessage(text, parsed, undefined, scope);
    let refused = false;
    whenDecided(
      answer,
      () => undefined,
      (error) => {
        refused = true;
        refuse(ws, error);
      },
    );
    return !refused && statefulAllowed(ws, context, parsed);
  }
  return passOn(ws, context, text, parsed, data, isBinary);
}

/** A message of a ZRM connection that carries a stateful parameter is refused, like an HTTP body with one. */
function statefulAllowed(
  ws: UpgradedSocket,
  { scope, policy }: ConnectionContext,
  parsed: unknown,
): boolean {
  if (!scope.zeroRetention) return true;
  const current = { zeroRetention: true, source: scope.source };
  const answer = decide({ moment: 'body', current, body: parsed }, policy);
  if (!isZrmError(answer)) return true;
  refuse(ws, answer);
  return false;
}

/** In ZRM a received message is registered as content before the app sees it. */
function passOn(
  ws: UpgradedSocket,
  context: ConnectionContext,
  text: string | undefined,
  parsed: unknown,
  data: unknown,
  isBinary: unknown,
): boolean {
  const { scope } = context;
  if (!scope.zeroRetention) return true;
  registerMessage(text, parsed, isBinary === true ? binaryOf(data) : undefined, scope);
  return statefulAllowed(ws, context, parsed);
}

/**
 * Runs every event of the connection (message, close, error, ping, pong) in
 * its scope, registering received content first; ends the scope once the
 * connection's close handlers have run.
 */
export function attachConnection(ws: UpgradedSocket, context: ConnectionContext): void {
  const { scope } = context;
  runEmitterInScope(ws, scope, {
    endOn: 'close',
    before(event, args) {
      if (event === 'message') return onMessage(ws, context, args[0], args[1]);
      if (scope.zeroRetention && (event === 'ping' || event === 'pong' || event === 'close')) {
        const payload = event === 'close' ? args[1] : args[0];
        if (Buffer.isBuffer(payload) && payload.length > 0) {
          markSensitive(payload);
          scope.register(payload.toString('utf8'));
        }
      }
      return true;
    },
  });
}
