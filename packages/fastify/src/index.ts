import { zeroRetention } from './plugin.js';

export { zeroRetention };
export type { RequestLogMode, ZeroRetentionFastifyOptions } from './types.js';
export default zeroRetention;
