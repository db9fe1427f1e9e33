export { zeroRetention } from './middleware.js';
export type {
  KoaAdapterOptions,
  KoaContext,
  ZeroRetentionKoaOptions,
  ZeroRetentionMiddleware,
} from './types.js';
