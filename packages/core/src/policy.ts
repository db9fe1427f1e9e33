import {
  DEFAULT_SAFE_QUERY_PARAMS,
  DEFAULT_SENSITIVE_KEYS,
  DEFAULT_URL_KEYS,
} from './default-keys.js';
import type { Policy, PolicyOptions, PolicyRequest, TaintOptions } from './types.js';

export const DEFAULT_TAINT: Readonly<TaintOptions> = Object.freeze({
  fragmentLength: 16,
  minLength: 6,
  graceMs: 5_000,
  maxFragmentsPerValue: 2_048,
  maxFragmentsPerBinary: 1_024,
});

const lower = (keys: readonly string[]): Set<string> => new Set(keys.map((k) => k.toLowerCase()));

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new TypeError(`zrm policy: ${name} must be a non-negative integer`);
  }
  return value;
}

function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && (value as Policy).kind === 'zrm.policy';
}

/**
 * Builds a frozen policy. Every adapter accepts either the result or the
 * options themselves.
 */
export function definePolicy<Req = PolicyRequest>(
  options: PolicyOptions<Req> | Policy<Req> = {},
): Policy<Req> {
  if (isPolicy(options)) return options;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('zrm policy: options must be an object');
  }
  const taintIn = options.taint ?? {};
  const taint: TaintOptions = {
    fragmentLength: positiveInteger(
      'taint.fragmentLength',
      taintIn.fragmentLength,
      DEFAULT_TAINT.fragmentLength,
    ),
    minLength: positiveInteger('taint.minLength', taintIn.minLength, DEFAULT_TAINT.minLength),
    graceMs: positiveInteger('taint.graceMs', taintIn.graceMs, DEFAULT_TAINT.graceMs),
    maxFragmentsPerValue: positiveInteger(
      'taint.maxFragmentsPerValue',
      taintIn.maxFragmentsPerValue,
      DEFAULT_TAINT.maxFragmentsPerValue,
    ),
    maxFragmentsPerBinary: positiveInteger(
      'taint.maxFragmentsPerBinary',
      taintIn.maxFragmentsPerBinary,
      DEFAULT_TAINT.maxFragmentsPerBinary,
    ),
  };
  if (taint.fragmentLength < 4)
    throw new TypeError('zrm policy: taint.fragmentLength must be at least 4');
  if (taint.minLength < 1 || taint.minLength > taint.fragmentLength) {
    throw new TypeError('zrm policy: taint.minLength must be between 1 and taint.fragmentLength');
  }
  if (taint.maxFragmentsPerValue < 1 || taint.maxFragmentsPerBinary < 1) {
    throw new TypeError(
      'zrm policy: taint.maxFragmentsPerValue and maxFragmentsPerBinary must be at least 1',
    );
  }
  for (const name of [
    'entitled',
    'force',
    'principal',
    'trustPropagated',
    'onRestricted',
    'onRedaction',
  ] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`zrm policy: ${name} must be a function`);
    }
  }
  const sensitive = options.replaceDefaultKeys === true ? [] : [...DEFAULT_SENSITIVE_KEYS];
  const strict = options.strict;
  const policy: Policy = {
    kind: 'zrm.policy',
    sensitiveKeys: lower([...sensitive, ...(options.sensitiveKeys ?? [])]),
    strictAllowKeys: strict ? lower(strict.allowKeys) : undefined,
    safeQueryParams: lower(options.safeQueryParams ?? DEFAULT_SAFE_QUERY_PARAMS),
    urlKeys: lower(options.urlKeys ?? DEFAULT_URL_KEYS),
    taint: Object.freeze(taint),
    maxDepth: positiveInteger('maxDepth', options.maxDepth, 16),
    maxWidth: positiveInteger('maxWidth', options.maxWidth, 1_000),
    providers: lower(options.providers ?? []),
    statefulParams: Object.freeze([...(options.statefulParams ?? [])]),
    entitled: options.entitled,
    force: options.force,
    principal: options.principal,
    trustPropagated: options.trustPropagated,
    onRestricted: options.onRestricted,
    onRedaction: options.onRedaction,
  };
  return Object.freeze(policy);
}
