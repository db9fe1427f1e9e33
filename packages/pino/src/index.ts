export { DEFAULT_SAFE_MESSAGES } from '@zrm/core/adapter';
export { withZeroRetention } from './with-zero-retention.js';
export type { PinoHooks, PinoOptionsLike, ZeroRetentionLogOptions } from './types.js';
