import { ZrmError } from './errors.js';
import type { Policy, ZrmDecision, ZrmSignals } from './types.js';

const INVALID = 'enable_logging must be "true", "false", "1" or "0".';

function meaning(raw: string): boolean {
  // deliberately strict: no trimming, no "no"/"off", nothing that could be a typo
  switch (raw.length <= 5 ? raw.toLowerCase() : '') {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      throw new ZrmError('invalid_enable_logging', INVALID, { param: 'enable_logging' });
  }
}

/**
 * Reads every raw value of `enable_logging`: `true` (retain), `false` (ZRM) or
 * `undefined` (absent). Empty, unknown and disagreeing values throw
 * `invalid_enable_logging`; the error never quotes the value.
 */
export function parseEnableLogging(values: unknown): boolean | undefined {
  const list: readonly unknown[] = Array.isArray(values)
    ? values
    : values === undefined
      ? []
      : [values];
  let result: boolean | undefined;
  for (const raw of list) {
    let value: boolean;
    if (typeof raw === 'boolean') value = raw;
    else if (typeof raw === 'string') value = meaning(raw);
    else throw new ZrmError('invalid_enable_logging', INVALID, { param: 'enable_logging' });
    if (result !== undefined && result !== value) {
      throw new ZrmError(
        'invalid_enable_logging',
        'enable_logging was given more than once with different values.',
        {
          param: 'enable_logging',
        },
      );
    }
    result = value;
  }
  return result;
}

/**
 * Decides a request's mode from what the adapter found, following the flag
 * table of the design: a forced or trusted propagated ZRM wins over
 * `enable_logging=true`; a ZRM asked for by a principal that is not entitled
 * is refused (403); ZRM together with a stateful parameter is refused (400).
 */
export function resolveZeroRetention(signals: ZrmSignals, policy: Policy): ZrmDecision {
  const logging = parseEnableLogging(signals.enableLogging);
  let decision: ZrmDecision;
  if (signals.forced === true) decision = { zeroRetention: true, source: 'policy' };
  else if (signals.propagated === true && signals.propagatedTrusted === true) {
    decision = { zeroRetention: true, source: 'propagated' };
  } else if (logging === false) {
    if (signals.entitled === false) {
      try {
        policy.onRestricted?.({ code: 'zero_retention_not_allowed', principal: signals.principal });
      } catch {
        // a notification hook must not change the answer
      }
      throw new ZrmError(
        'zero_retention_not_allowed',
        'Zero Retention Mode is not available for this account.',
      );
    }
    decision = { zeroRetention: true, source: 'request' };
  } else {
    decision = { zeroRetention: false, source: 'default' };
  }
  if (decision.zeroRetention) {
    const stateful = signals.statefulParams?.[0];
    if (stateful !== undefined) {
      throw new ZrmError(
        'zero_retention_unavailable',
        `The parameter "${stateful}" needs retained data and cannot be used in Zero Retention Mode.`,
        { param: stateful },
      );
    }
  }
  return decision;
}
