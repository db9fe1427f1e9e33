/**
 * Attribute set on every span and log record that zrm redacted for ZRM, so a
 * Collector can apply a second line of defence to exactly those records.
 */
export const ZERO_RETENTION_ATTRIBUTE = 'zrm.zero_retention';
