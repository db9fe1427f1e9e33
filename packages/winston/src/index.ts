export { zeroRetentionFormat } from './zero-retention-format.js';
export type { WinstonInfo, ZeroRetentionFormatOptions } from './types.js';
