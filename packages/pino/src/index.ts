export { withZeroRetention, DEFAULT_SAFE_MESSAGES } from './with-zero-retention.js';
export type { PinoHooks, PinoOptionsLike, ZeroRetentionLogOptions } from './types.js';
