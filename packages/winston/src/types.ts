import type { MessageOptions } from '@zrm/core';
import type { Logform } from 'winston';

/** Options of `zeroRetentionFormat`: the formats it wraps, and the message rules of `@zrm/core`. */
export interface ZeroRetentionFormatOptions extends MessageOptions {
  /**
   * The formats a record goes through once it is content-free, ending with the
   * one that writes the finished line (`info[Symbol.for('message')]`), e.g.
   * `format.combine(format.errors({ stack: true }), format.splat(), format.json())`.
   * Default: `format.json()`, winston's own default.
   */
  format?: Logform.Format;
}

/** A winston record: string fields, and the triple-beam symbols winston and its transports read. */
export type WinstonInfo = Logform.TransformableInfo;
