import { summarizeHttp } from './http-summary.js';
import { redact } from './redact.js';
import { scrubString } from './scrub.js';
import { REDACTED } from './taint-index.js';
import type { MessageOptions } from './types.js';

/** Event names that pino-http and Fastify log as bare messages: metadata, kept in ZRM lines. */
export const DEFAULT_SAFE_MESSAGES: readonly string[] = [
  'incoming request',
  'request completed',
  'request errored',
  'request aborted',
  'Server listening',
];

/** How bare message strings are treated in ZRM (resolved from `MessageOptions` by `messageSettings`). */
export interface MessageSettings {
  readonly keepMessages: boolean;
  readonly safeMessages: ReadonlySet<string>;
}

/** Validates a sink's message options; errors name the option (prefixed by `caller`), never its value. */
export function messageSettings(
  options: MessageOptions | undefined,
  caller: string,
): MessageSettings {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`${caller}: zrm options must be an object`);
  }
  const messages = options?.messages ?? 'redact';
  if (messages !== 'redact' && messages !== 'keep') {
    throw new TypeError(`${caller}: messages must be 'redact' or 'keep'`);
  }
  const safe = options?.safeMessages ?? DEFAULT_SAFE_MESSAGES;
  if (!Array.isArray(safe) || safe.some((m) => typeof m !== 'string')) {
    throw new TypeError(`${caller}: safeMessages must be an array of strings`);
  }
  return { keepMessages: messages === 'keep', safeMessages: new Set(safe) };
}

/**
 * In ZRM, an interpolation argument (`%s`, `%o`, …, or one appended by
 * `util.format`) has no key to judge it by: strings are content, numbers and
 * flags are not, objects are redacted (http objects summarized first).
 */
export function redactParam(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      return REDACTED;
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      return value === null ? value : redact(summarizeHttp(value));
    default:
      return REDACTED;
  }
}

/**
 * In ZRM, a message: a format string used with arguments is code, so its text
 * stays, scrubbed of registered content. A bare message string cannot be told
 * from content: it is replaced unless it is empty, a safe message, or the
 * settings keep messages (then it is scrubbed only). Any other value is an argument.
 */
export function redactMessage(
  value: unknown,
  withArguments: boolean,
  settings: MessageSettings,
): unknown {
  if (typeof value !== 'string') return redactParam(value);
  if (withArguments || settings.keepMessages) return scrubString(value);
  return value === '' || settings.safeMessages.has(value) ? value : REDACTED;
}
