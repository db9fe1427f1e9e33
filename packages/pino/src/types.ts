import type { MessageOptions } from '@zrm/core';

/** The pino option hooks that zrm composes with (the shape is the same in pino 9 and 10). */
export interface PinoHooks {
  logMethod?: (
    this: object,
    args: unknown[],
    method: (this: object, ...args: unknown[]) => void,
    level: number,
  ) => void;
  streamWrite?: (line: string) => string;
}

/** The parts of pino's options that `withZeroRetention` reads; every other option is passed through untouched. */
export interface PinoOptionsLike {
  hooks?: PinoHooks;
  mixin?: (mergeObject: object, level: number, logger: object) => object;
}

/** Options of `withZeroRetention` itself (its first argument is pino's options): the message rules of `@zrm/core`. */
export type ZeroRetentionLogOptions = MessageOptions;
