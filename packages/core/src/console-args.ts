import { redactConsoleText } from './console-text.js';
import { redactParam, type MessageSettings } from './message-rules.js';
import { scrubString } from './scrub.js';

/** How a console method reads its arguments, for its ZRM rules. */
export type ArgumentShape = 'message' | 'value' | 'table' | 'assert' | 'label';

/**
 * The console methods guarded, by the shape of their arguments; any other
 * output still meets the stream guard. `trace` is not wrapped: a wrapper would
 * show in the stack it prints, and it prints through `console.error`.
 */
export const CONSOLE_METHODS: Readonly<Record<string, ArgumentShape>> = {
  log: 'message',
  info: 'message',
  debug: 'message',
  warn: 'message',
  error: 'message',
  dirxml: 'message',
  group: 'message',
  groupCollapsed: 'message',
  dir: 'value',
  table: 'table',
  assert: 'assert',
  count: 'label',
  countReset: 'label',
  time: 'label',
  timeEnd: 'label',
  timeLog: 'label',
};

/**
 * `util.format` arguments: a first string with more arguments is a format
 * string (code: kept, scrubbed), the other arguments are redacted as values;
 * a string alone is text (see `redactConsoleText`); anything else is a value.
 */
function messageArgs(args: readonly unknown[], settings: MessageSettings): unknown[] {
  if (args.length === 0) return [];
  const [first, ...rest] = args;
  if (typeof first !== 'string') return args.map(redactParam);
  if (rest.length === 0) return [redactConsoleText(first, settings)];
  return [scrubString(first), ...rest.map(redactParam)];
}

/** A label (`console.count('jobs')`, `console.timeLog('tts', data)`) is code: kept, scrubbed; data is redacted. */
function labelArgs(args: readonly unknown[]): unknown[] {
  const [label, ...data] = args;
  return [typeof label === 'string' ? scrubString(label) : label, ...data.map(redactParam)];
}

/** The arguments of a console call made in ZRM, content-free by the loggers' message rules. */
export function safeConsoleArgs(
  shape: ArgumentShape,
  args: readonly unknown[],
  settings: MessageSettings,
): unknown[] {
  switch (shape) {
    case 'message':
      return messageArgs(args, settings);
    case 'value':
    case 'table':
      // the second argument is inspect options or column names: not content
      return args.length === 0 ? [] : [redactParam(args[0]), ...args.slice(1, 2)];
    case 'assert':
      return args.length === 0 ? [] : [args[0], ...messageArgs(args.slice(1), settings)];
    case 'label':
      return labelArgs(args);
  }
}
