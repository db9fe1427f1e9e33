/**
 * `@zrm/core/adapter`: the kit zrm's adapters are built from — framework
 * adapters (the decision, the request scope, registration of what a request
 * carries, the error answer, the request id) and sink adapters (scans of
 * registered content, message rules, HTTP summaries, events). A service author
 * needs none of it; an adapter re-implements none of it.
 */

// the decision
export { decide, modeBeforeDecision, whenDecided } from './decide.js';
export type {
  BodySignals,
  Decided,
  DecisionHeaders,
  DecisionSignals,
  HeadSignals,
  MessageSignals,
} from './decide.js';
export { parseEnableLogging } from './resolve.js';
export { queryValues } from './query.js';
export { hasPropagatedZeroRetention } from './baggage.js';
export { decodeComponent, isThenable } from './decode.js';

// the request scope
export { createScope } from './scope.js';
export {
  requestIdOf,
  defaultRequestId,
  registerQuery,
  registerContent,
} from './request-content.js';
export type { RequestWithHeaders } from './request-content.js';
export { openRequestScope, registerParsedBody } from './request-scope.js';

// the response of a ZRM request, and the answer to a refusal or error
export { enforceZeroRetentionHeaders } from './response-headers.js';
export { errorResponse, writeErrorResponse } from './error-response.js';
export type { ErrorBody, ErrorResponse } from './error-response.js';

// sinks: scans, message rules, summaries, events
export { scrubJson, isTaintedRemembering, isTaintedBytes, encodedTextRegistered } from './scrub.js';
export { inFlightTaintCount, shortestTaintedLength } from './state.js';
export { binaryPlaceholder, byteLength, UNREADABLE, CIRCULAR, DEPTH_LIMIT } from './redact-walk.js';
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
export { runEmitterInScope, registerStreamData } from './emitter-scope.js';
export type { EmitterLike, EmitterScopeOptions } from './emitter-scope.js';
