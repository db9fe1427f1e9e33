export { zeroRetention, scopeOfRequest } from './middleware.js';
export { zeroRetentionErrorHandler } from './error-handler.js';
export type {
  ErrorReport,
  ExpressRequest,
  ExpressAdapterOptions,
  ZeroRetentionErrorHandler,
  ZeroRetentionErrorHandlerOptions,
  ZeroRetentionMiddleware,
  ZeroRetentionOptions,
  ZrmNext,
  ZrmRequest,
} from './types.js';
