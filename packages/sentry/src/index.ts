export { zeroRetentionIntegration, INTEGRATION_NAME } from './integration.js';
export { DEFAULT_SAFE_HEADERS } from './options.js';
export { ZERO_RETENTION_TAG } from './event.js';
export type { SentryIntegration, ZeroRetentionIntegrationOptions } from './types.js';
