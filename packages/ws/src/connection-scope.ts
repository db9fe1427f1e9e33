import type { IncomingMessage } from 'node:http';
import { markSensitive, type Policy, type ZrmScope } from '@zrm/core';
import { registerMessage } from './content-taint.js';
import { parseJsonObject, readMessageFlag } from './message-flag.js';
import type { UpgradedSocket } from './types.js';

const POLICY_VIOLATION = 1008;

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

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
  policy: Policy;
  req: IncomingMessage;
  flag: string | false;
}

/** Is this principal entitled to ZRM? A throw counts as no; `undefined` entitled means yes. */
function entitlement(policy: Policy, req: IncomingMessage): boolean | Promise<boolean> {
  if (policy.entitled === undefined) return true;
  try {
    const answer = policy.entitled(req);
    return answer instanceof Promise
      ? answer.then(
          (v) => v !== false,
          () => false,
        )
      : answer !== false;
  } catch {
    return false;
  }
}

function restrict(ws: UpgradedSocket, { policy, req }: ConnectionContext): void {
  try {
    const principal = policy.principal?.(req);
    policy.onRestricted?.({ code: 'zero_retention_not_allowed', principal });
  } catch {
    // a notification hook must not change the answer
  }
  ws.close(POLICY_VIOLATION, 'zero_retention_not_allowed');
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
  if (mayFlag) {
    const asked = readMessageFlag(parsed, flag);
    if (asked !== 'none') {
      const wasZeroRetention = scope.zeroRetention;
      // fail closed: a message that asks for ZRM, or garbles the flag, is content
      scope.tighten('message');
      registerMessage(text, parsed, undefined, scope);
      if (asked === 'invalid') {
        ws.close(POLICY_VIOLATION, 'invalid_enable_logging');
        return false;
      }
      if (wasZeroRetention) return true;
      const entitled = entitlement(context.policy, context.req);
      if (entitled === false) {
        restrict(ws, context);
        return false;
      }
      if (entitled instanceof Promise) {
        void entitled.then((ok) => {
          if (!ok) restrict(ws, context);
        });
      }
      return true;
    }
  }
  if (scope.zeroRetention)
    registerMessage(text, parsed, isBinary === true ? binaryOf(data) : undefined, scope);
  return true;
}

/**
 * Runs every event of the connection (message, close, error, ping, pong) in
 * its scope, registering received content first; ends the scope once the
 * connection's close handlers have run.
 */
export function attachConnection(ws: UpgradedSocket, context: ConnectionContext): void {
  const { scope } = context;
  const emit = ws.emit.bind(ws) as Emit;
  ws.emit = (event: string | symbol, ...args: unknown[]): boolean =>
    scope.run(() => {
      if (event === 'message') {
        if (!onMessage(ws, context, args[0], args[1])) return false;
      } else if (
        scope.zeroRetention &&
        (event === 'ping' || event === 'pong' || event === 'close')
      ) {
        const payload = event === 'close' ? args[1] : args[0];
        if (Buffer.isBuffer(payload) && payload.length > 0) {
          markSensitive(payload);
          scope.register(payload.toString('utf8'));
        }
      }
      const handled = emit(event, ...args);
      if (event === 'close') scope.end();
      return handled;
    });
}
