// What a service author calls. The pieces adapters are built from are in `@zrm/core/adapter`.
export { ZrmError, isZrmError } from './errors.js';
export {
  ZrmScope,
  runWithScope,
  currentScope,
  isZeroRetention,
  bindToScope,
  bindEmitterToScope,
  onZeroRetention,
} from './scope.js';
export { definePolicy, DEFAULT_TAINT } from './policy.js';
export {
  DEFAULT_SENSITIVE_KEYS,
  DEFAULT_URL_KEYS,
  DEFAULT_SAFE_QUERY_PARAMS,
} from './default-keys.js';
export { resolveZeroRetention } from './resolve.js';
export { markSensitive } from './mark-sensitive.js';
export { redact } from './redact.js';
export { REDACTED } from './taint-index.js';
export { scrubString, scrubUrl, isTainted } from './scrub.js';
export { isSensitiveKey } from './sensitive-keys.js';
export { guardWrite, assertProviderAllowed } from './guard.js';
export { guardConsole } from './console-guard.js';
export { setDefaultPolicy } from './state.js';
export type {
  ConsoleGuardOptions,
  MessageOptions,
  Policy,
  PolicyCallback,
  PolicyOptions,
  PolicyRequest,
  RedactOptions,
  RedactionEvent,
  RestrictionEvent,
  ScopeCounters,
  ScopeInit,
  TaintOptions,
  ZrmDecision,
  ZrmErrorCode,
  ZrmSignals,
  ZrmSource,
} from './types.js';
