import { hasPropagatedZeroRetention } from './baggage.js';
import { isThenable } from './decode.js';
import { ZrmError } from './errors.js';
import { queryValues } from './query.js';
import { parseEnableLogging, resolveZeroRetention } from './resolve.js';
import type { Policy, PolicyRequest, ZrmDecision, ZrmSignals } from './types.js';

/** A request's headers, lower-cased; a decision reads only `baggage` (Node, Express, Fastify, Koa and ws requests fit). */
export type DecisionHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Before the body: the request target's query (`enable_logging`, the policy's
 * stateful parameters) and the peer's baggage; the policy's `force`,
 * `entitled`, `principal` and `trustPropagated` are asked about `request`.
 */
export interface HeadSignals<Req = PolicyRequest> {
  moment: 'head';
  request: Req;
  /** The raw request target (`/path?query`), not a framework's parsed query. */
  url: string;
  headers: DecisionHeaders;
}

/** After the body is parsed: a stateful parameter in it (an own key) is refused with ZRM. */
export interface BodySignals {
  moment: 'body';
  /** The decision made at the head. */
  current: ZrmDecision;
  /** The parsed body (an object's own top-level keys are read, nothing else). */
  body: unknown;
}

/**
 * Mid-session (a websocket message): the message's flag field can turn ZRM on,
 * never off. `entitled` is asked again when it does.
 */
export interface MessageSignals<Req = PolicyRequest> {
  moment: 'message';
  request: Req;
  /** The connection's decision so far. */
  current: ZrmDecision;
  /** The flag field's value as received (`undefined` when the message has none); `0`/`1` count as strings. */
  flag: unknown;
  /** The connection's request target: a stateful parameter in its query refuses the turn to ZRM. */
  url?: string;
}

export type DecisionSignals<Req = PolicyRequest> =
  HeadSignals<Req> | BodySignals | MessageSignals<Req>;

/** The answer of `decide`: the request's mode, or the content-free error to answer with. */
export type Decided = ZrmDecision | ZrmError;

type Answer = boolean | PromiseLike<boolean>;

/** Calls a policy predicate: only `true` (or a promise of `true`) counts as yes; a throw or rejection answers `onFailure`. */
function ask(fn: (req: never) => unknown, req: unknown, onFailure: boolean): Answer {
  try {
    const answer = fn(req as never);
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

/** Runs the flag table; its refusals are returned, never thrown. */
function resolve(signals: ZrmSignals, policy: Policy): Decided {
  try {
    return resolveZeroRetention(signals, policy);
  } catch (error) {
    if (error instanceof ZrmError) return error;
    throw error;
  }
}

function finish(
  signals: ZrmSignals,
  policy: Policy,
  req: unknown,
  forced: boolean,
  entitled: boolean,
): Decided {
  signals.forced = forced;
  signals.entitled = entitled;
  if (!entitled) signals.principal = principalOf(policy, req);
  return resolve(signals, policy);
}

/** The policy's stateful parameters present in a request target's query. */
function statefulInQuery(url: string, policy: Policy): readonly string[] | undefined {
  if (policy.statefulParams.length === 0 || !url.includes('?')) return undefined;
  return policy.statefulParams.filter((name) => queryValues(url, name).length > 0);
}

/** The answer when nothing can ask for ZRM: no flag, no policy callback, no baggage (frozen, shared). */
const ORDINARY: ZrmDecision = Object.freeze({ zeroRetention: false, source: 'default' });

function decideHead(signals: HeadSignals<unknown>, policy: Policy): Decided | Promise<Decided> {
  const { url, request } = signals;
  const baggage = signals.headers.baggage;
  const enableLogging = queryValues(url, 'enable_logging');
  // the common case, decided without the signals: stateful parameters and entitlement only matter in ZRM
  if (
    enableLogging.length === 0 &&
    policy.force === undefined &&
    (policy.trustPropagated === undefined || baggage === undefined)
  )
    return ORDINARY;
  let asked: boolean | undefined;
  try {
    asked = parseEnableLogging(enableLogging);
  } catch (error) {
    return error as ZrmError; // a bad flag is refused before any callback runs
  }
  const found: ZrmSignals = { enableLogging, statefulParams: statefulInQuery(url, policy) };
  if (hasPropagatedZeroRetention(baggage)) {
    found.propagated = true;
    found.propagatedTrusted =
      policy.trustPropagated !== undefined && ask(policy.trustPropagated, request, false) === true;
  }
  const forced: Answer = policy.force === undefined ? false : ask(policy.force, request, true);
  const entitled: Answer =
    asked === false && policy.entitled !== undefined ? ask(policy.entitled, request, false) : true;
  if (isThenable(forced) || isThenable(entitled)) {
    return Promise.all([forced, entitled]).then(([f, e]) => finish(found, policy, request, f, e));
  }
  return finish(found, policy, request, forced, entitled);
}

function decideBody({ current, body }: BodySignals, policy: Policy): Decided {
  if (!current.zeroRetention || policy.statefulParams.length === 0) return current;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return current;
  const statefulParams = policy.statefulParams.filter((name) => Object.hasOwn(body, name));
  return statefulParams.length === 0 ? current : resolve({ forced: true, statefulParams }, policy);
}

function decideMessage(
  { current, flag, request, url }: MessageSignals<unknown>,
  policy: Policy,
): Decided | Promise<Decided> {
  if (flag === undefined) return current;
  let asked: boolean | undefined;
  try {
    asked = parseEnableLogging(flag === 0 || flag === 1 ? String(flag) : flag);
  } catch (error) {
    return error as ZrmError;
  }
  // a message can tighten the mode, never loosen it
  if (asked !== false || current.zeroRetention) return current;
  const settle = (entitled: boolean): Decided => {
    const principal = entitled ? undefined : principalOf(policy, request);
    const statefulParams = url === undefined ? undefined : statefulInQuery(url, policy);
    const result = resolve({ enableLogging: 'false', entitled, principal, statefulParams }, policy);
    return result instanceof ZrmError ? result : { zeroRetention: true, source: 'message' };
  };
  if (policy.entitled === undefined) return settle(true);
  const entitled = ask(policy.entitled, request, false);
  return isThenable(entitled) ? Promise.resolve(entitled).then(settle) : settle(entitled);
}

/**
 * The one decision every adapter makes, at each moment it can be made:
 * before the body (`head`), after it is parsed (`body`) and mid-session
 * (`message`). Returns the mode, or the `ZrmError` of the design's flag table
 * to answer with (never thrown); a promise only when a policy callback returned
 * one. Fails closed: only `true` (or a promise of `true`) entitles — `false`,
 * `undefined`, any other value, a throw or a rejection does not; a `force`
 * that throws or rejects means ZRM; a bad flag is refused before any callback
 * runs. The ordinary answer is one shared frozen object.
 */
export function decide<Req>(
  signals: DecisionSignals<Req>,
  policy: Policy<Req>,
): Decided | Promise<Decided> {
  const p = policy as Policy;
  switch (signals.moment) {
    case 'head':
      return decideHead(signals, p);
    case 'body':
      return decideBody(signals, p);
    case 'message':
      return decideMessage(signals, p);
  }
}

/**
 * What the first log lines of a request may show before `decide` has
 * answered (a framework that logs before any hook runs): a ZRM flag, or a flag
 * that will be refused, is content-free at once; while the policy still has to
 * be asked (`force`, trusted baggage) the lines wait.
 */
export function modeBeforeDecision(
  url: string,
  headers: DecisionHeaders,
  policy: Policy<never>,
): 'zero-retention' | 'ordinary' | 'undecided' {
  let logging: boolean | undefined;
  try {
    logging = parseEnableLogging(queryValues(url, 'enable_logging'));
  } catch {
    return 'zero-retention';
  }
  if (logging === false) return 'zero-retention';
  if (policy.force !== undefined) return 'undecided';
  if (policy.trustPropagated !== undefined && hasPropagatedZeroRetention(headers.baggage))
    return 'undecided';
  return 'ordinary';
}

/**
 * Calls `onDecision` with the mode or `onRefusal` with the error, at once
 * when the decision is synchronous, else when it settles. A rejected decision
 * (a bug, never a policy answer) reaches `onRefusal` as it is.
 */
export function whenDecided(
  result: Decided | Promise<Decided>,
  onDecision: (decision: ZrmDecision) => void,
  onRefusal: (error: unknown) => void,
): void {
  if (isThenable(result)) {
    result.then((settled) => whenDecided(settled, onDecision, onRefusal), onRefusal);
  } else if (result instanceof ZrmError) onRefusal(result);
  else onDecision(result);
}
