export { zeroRetention, scopeOfContext } from './middleware.js';
export { zeroRetentionErrorHandler } from './error-handler.js';
export type {
  ErrorReport,
  HonoAdapterOptions,
  HonoRequest,
  ZeroRetentionErrorHandlerOptions,
  ZeroRetentionMiddleware,
  ZeroRetentionOptions,
  ZeroRetentionVariables,
} from './types.js';
