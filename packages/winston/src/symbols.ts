/** The triple-beam keys winston puts on a record (registered symbols: the same in every copy). */
export const LEVEL = Symbol.for('level');
export const MESSAGE = Symbol.for('message');
export const SPLAT = Symbol.for('splat');

/** winston's own test for interpolation tokens in a message (see its `Logger.log`). */
export const FORMAT_TOKENS = /%[scdjifoO%]/;
