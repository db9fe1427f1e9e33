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

/** Options of `withZeroRetention` itself (its first argument is pino's options). */
export interface ZeroRetentionLogOptions {
  /**
   * What a ZRM line keeps of a bare message string (one logged without
   * interpolation arguments), which cannot be told from content: `'redact'`
   * (default, fail closed) replaces it unless it is one of `safeMessages`;
   * `'keep'` keeps it, scrubbed of registered content only. Format strings
   * used with arguments are code: always kept (scrubbed), their string
   * arguments replaced.
   */
  messages?: 'redact' | 'keep';
  /**
   * Bare messages kept as they are in ZRM lines. Default: the request event
   * names of pino-http and Fastify (`DEFAULT_SAFE_MESSAGES`). Given, it replaces the default.
   */
  safeMessages?: readonly string[];
}
