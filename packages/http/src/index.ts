export { zeroRetentionHandler, scopeOfRequest } from './handler.js';
export type {
  ErrorReport,
  HttpAdapterOptions,
  HttpHandler,
  HttpRequest,
  ZeroRetentionHttpOptions,
  ZeroRetentionListener,
} from './types.js';
