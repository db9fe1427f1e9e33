export { ZrmError, isZrmError } from './errors.js';
export {
  ZrmScope,
  createScope,
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
export { parseEnableLogging, resolveZeroRetention } from './resolve.js';
export { queryValues } from './query.js';
export { decideRequest } from './decide-request.js';
export type { RequestWithHeaders } from './decide-request.js';
export { hasPropagatedZeroRetention } from './baggage.js';
export { registerQuery, registerContent, defaultRequestId } from './request-content.js';
export { markSensitive } from './mark-sensitive.js';
export { redact } from './redact.js';
export { binaryPlaceholder, UNREADABLE, CIRCULAR, DEPTH_LIMIT } from './redact-walk.js';
export { REDACTED } from './taint-index.js';
export {
  scrubString,
  scrubJson,
  scrubUrl,
  isTainted,
  isTaintedRemembering,
  isTaintedBytes,
  encodedTextRegistered,
} from './scrub.js';
export { isSensitiveKey } from './sensitive-keys.js';
export { guardWrite, assertProviderAllowed } from './guard.js';
export { guardConsole } from './console-guard.js';
export {
  DEFAULT_SAFE_MESSAGES,
  messageSettings,
  redactMessage,
  redactParam,
} from './message-rules.js';
export type { MessageSettings } from './message-rules.js';
export {
  isHttpRequest,
  isHttpResponse,
  requestSummary,
  responseSummary,
  summarizeHttp,
} from './http-summary.js';
export { emitRedaction, reportCrossContext } from './events.js';
export { setDefaultPolicy, inFlightTaintCount, shortestTaintedLength } from './state.js';
export type {
  ConsoleGuardOptions,
  MessageOptions,
  Policy,
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
