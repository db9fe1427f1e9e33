import {
  parseEnableLogging,
  queryValues,
  resolveZeroRetention,
  type Policy,
  type ZrmDecision,
  type ZrmSignals,
} from '@zrm/core';
import type { FastifyRequest } from 'fastify';
import { hasPropagatedZrm } from './baggage.js';

type Answer = boolean | Promise<boolean>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** Calls a policy predicate; when it throws or rejects, `onFailure` is the answer (fail closed). */
function ask(
  fn: (req: unknown) => boolean | Promise<boolean>,
  request: FastifyRequest,
  onFailure: boolean,
): Answer {
  try {
    const answer = fn(request);
    if (isThenable(answer)) {
      return Promise.resolve(answer).then(
        (value) => value === true,
        () => onFailure,
      );
    }
    return answer === true;
  } catch {
    return onFailure;
  }
}

function principalOf(policy: Policy, request: FastifyRequest): string | undefined {
  try {
    const principal = policy.principal?.(request);
    return typeof principal === 'string' ? principal : undefined;
  } catch {
    return undefined;
  }
}

/** Names of the policy's stateful parameters present in the query string. */
function statefulInQuery(url: string, policy: Policy): string[] {
  if (policy.statefulParams.length === 0 || !url.includes('?')) return [];
  return policy.statefulParams.filter((name) => queryValues(url, name).length > 0);
}

/**
 * Decides a request's mode from its raw query string (`enable_logging`,
 * stateful parameters), its W3C baggage and the policy (`force`,
 * `entitled`, `trustPropagated`, `principal`). Synchronous unless a policy
 * predicate is; throws or rejects with the core's `ZrmError`s. A predicate
 * that fails counts as the strict answer: forced, not entitled, not trusted.
 */
export function decide(
  request: FastifyRequest,
  policy: Policy,
): ZrmDecision | Promise<ZrmDecision> {
  const url = request.raw.url ?? '/';
  const enableLogging = queryValues(url, 'enable_logging');
  const logging = parseEnableLogging(enableLogging);
  const signals: ZrmSignals = { enableLogging, statefulParams: statefulInQuery(url, policy) };
  if (hasPropagatedZrm(request.headers.baggage)) {
    signals.propagated = true;
    const trust = policy.trustPropagated;
    signals.propagatedTrusted = trust !== undefined && ask(trust, request, false) === true;
  }
  const forced: Answer = policy.force === undefined ? false : ask(policy.force, request, true);
  const entitled: Answer =
    policy.entitled === undefined || logging !== false
      ? true
      : ask(policy.entitled, request, false);
  if (logging === false) signals.principal = principalOf(policy, request);
  if (typeof forced === 'boolean' && typeof entitled === 'boolean') {
    return resolveZeroRetention({ ...signals, forced, entitled }, policy);
  }
  return Promise.all([forced, entitled]).then(([isForced, isEntitled]) =>
    resolveZeroRetention({ ...signals, forced: isForced, entitled: isEntitled }, policy),
  );
}
