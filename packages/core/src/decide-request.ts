import { hasPropagatedZeroRetention } from './baggage.js';
import { queryValues } from './query.js';
import { parseEnableLogging, resolveZeroRetention } from './resolve.js';
import type { Policy, ZrmDecision, ZrmSignals } from './types.js';

/** What every adapter's request has: headers (Node, Express, Fastify and ws upgrade requests fit). */
export interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

type Answer = boolean | PromiseLike<boolean>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** Calls a policy predicate: only `true` counts as yes; a throw or rejection answers `onFailure`. */
function ask(fn: (req: unknown) => unknown, req: unknown, onFailure: boolean): Answer {
  try {
    const answer = fn(req);
    if (isThenable(answer))
      return Promise.resolve(answer).then(
        (value) => value === true,
        () => onFailure,
      );
    return answer === true;
  } catch {
    return onFailure;
  }
}

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

/** The answer when nothing can ask for ZRM: no flag, no policy callback, no baggage (frozen, shared). */
const ORDINARY: ZrmDecision = Object.freeze({ zeroRetention: false, source: 'default' });

/**
 * Decides a request's mode from its raw URL (`enable_logging`, the policy's
 * stateful parameters), its `baggage` header and the policy's callbacks —
 * the one decision every HTTP and websocket adapter makes. Synchronous unless
 * a callback returns a promise; the ordinary answer is one shared frozen
 * object. Fails closed: a `force` that throws means ZRM, an `entitled` that
 * throws means not entitled. Throws (or rejects with) the `ZrmError` of the
 * flag table; a bad flag is refused before any callback runs.
 */
export function decideRequest(
  req: RequestWithHeaders,
  url: string,
  policy: Policy,
): ZrmDecision | Promise<ZrmDecision> {
  const enableLogging = queryValues(url, 'enable_logging');
  // the common case, decided without the signals: stateful parameters and entitlement only matter in ZRM
  if (
    enableLogging.length === 0 &&
    policy.force === undefined &&
    (policy.trustPropagated === undefined || req.headers.baggage === undefined)
  )
    return ORDINARY;
  const asked = parseEnableLogging(enableLogging);
  const signals: ZrmSignals = { enableLogging };
  if (policy.statefulParams.length > 0 && url.includes('?')) {
    signals.statefulParams = policy.statefulParams.filter(
      (name) => queryValues(url, name).length > 0,
    );
  }
  if (hasPropagatedZeroRetention(req.headers.baggage)) {
    signals.propagated = true;
    signals.propagatedTrusted =
      policy.trustPropagated !== undefined && ask(policy.trustPropagated, req, false) === true;
  }
  const forced: Answer = policy.force === undefined ? false : ask(policy.force, req, true);
  const entitled: Answer =
    asked === false && policy.entitled !== undefined ? ask(policy.entitled, req, false) : true;
  if (isThenable(forced) || isThenable(entitled)) {
    return Promise.all([forced, entitled]).then(([f, e]) => finish(signals, policy, req, f, e));
  }
  return finish(signals, policy, req, forced, entitled);
}
