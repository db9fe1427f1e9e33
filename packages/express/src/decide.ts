import type { IncomingMessage } from 'node:http';
import {
  parseEnableLogging,
  queryValues,
  resolveZeroRetention,
  type Policy,
  type ZrmDecision,
  type ZrmSignals,
} from '@zrm/core';
import { hasPropagatedZrm } from './baggage.js';

type Answer = boolean | Promise<boolean>;

function isPromise(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Promise<unknown>).then === 'function'
  );
}

/** Calls a policy callback; a throw or rejection gives `failed` (fail closed: forced, not entitled). */
function ask(
  fn: (req: unknown) => unknown,
  req: unknown,
  accept: (value: unknown) => boolean,
  failed: boolean,
): Answer {
  try {
    const value = fn(req);
    if (isPromise(value)) return value.then(accept, () => failed);
    return accept(value);
  } catch {
    return failed;
  }
}

const isTrue = (value: unknown): boolean => value === true;
const isNotFalse = (value: unknown): boolean => value !== false;

function principalOf(policy: Policy, req: unknown): string | undefined {
  try {
    const principal = policy.principal?.(req);
    return typeof principal === 'string' ? principal : undefined;
  } catch {
    return undefined;
  }
}

function finish(
  signals: ZrmSignals,
  policy: Policy,
  req: unknown,
  forced: boolean,
  entitled: boolean,
): ZrmDecision {
  signals.forced = forced;
  signals.entitled = entitled;
  if (!entitled) signals.principal = principalOf(policy, req);
  return resolveZeroRetention(signals, policy);
}

/**
 * Decides a request's mode from its raw URL (`enable_logging`, stateful
 * parameters), its `baggage` header and the policy callbacks. Synchronous
 * unless a callback returns a promise. Throws (or rejects with) the
 * `ZrmError` of the design's flag table.
 */
export function decideRequest(
  req: IncomingMessage,
  url: string,
  policy: Policy,
): ZrmDecision | Promise<ZrmDecision> {
  const enableLogging = queryValues(url, 'enable_logging');
  // strict parse first: a bad flag is refused before any policy callback runs
  const asked = parseEnableLogging(enableLogging);
  const signals: ZrmSignals = { enableLogging };
  if (policy.statefulParams.length > 0 && url.includes('?')) {
    signals.statefulParams = policy.statefulParams.filter(
      (name) => queryValues(url, name).length > 0,
    );
  }
  if (hasPropagatedZrm(req.headers.baggage)) {
    signals.propagated = true;
    signals.propagatedTrusted =
      policy.trustPropagated !== undefined &&
      ask(policy.trustPropagated, req, isTrue, false) === true;
  }
  const forced: Answer = policy.force === undefined ? false : ask(policy.force, req, isTrue, true);
  const entitled: Answer =
    asked === false && policy.entitled !== undefined
      ? ask(policy.entitled, req, isNotFalse, false)
      : true;
  if (isPromise(forced) || isPromise(entitled)) {
    return Promise.all([forced, entitled]).then(([f, e]) => finish(signals, policy, req, f, e));
  }
  return finish(signals, policy, req, forced, entitled);
}
