import type { MessageSettings } from './message-rules.js';
import { redactMessage, redactParam } from './message-rules.js';
import { redact } from './redact.js';
import { REDACTED } from './taint-index.js';

/** A stack frame line (`    at fn (file:1:2)`) after the first line. */
const FRAME_AFTER_FIRST_LINE = /\n\s+at /;

/** An error stack (`Type: message` then frames), as `console.error(err.stack)` prints it. */
function looksLikeStack(text: string): boolean {
  return FRAME_AFTER_FIRST_LINE.test(text) && !text.startsWith('{') && !text.startsWith('[');
}

/** A JSON object line (a logger's record) redacted by the policy's key rules, or an array line, re-rendered. */
function redactJsonLine(line: string): string | undefined {
  const first = line.trimStart().charCodeAt(0);
  if (first !== 123 && first !== 91) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  // an array's items have no key to judge them by: like arguments, their strings are content
  return JSON.stringify(Array.isArray(parsed) ? parsed.map(redactParam) : redact(parsed));
}

function redactLine(line: string, settings: MessageSettings): string {
  const carriage = line.endsWith('\r') ? '\r' : '';
  const body = carriage === '' ? line : line.slice(0, -1);
  if (body === '') return line;
  const json = redactJsonLine(body);
  const out = json ?? redactMessage(body, false, settings);
  return `${typeof out === 'string' ? out : REDACTED}${carriage}`;
}

/**
 * In ZRM, text written to the console with nothing to tell code from content
 * (a bare `console.log(text)`, a raw `process.stdout.write(text)`): an error
 * stack keeps its frames under `Type: [REDACTED]`; each other line is a JSON
 * record redacted by key (content keys, binary, registered content) or a bare
 * message (replaced unless safe, or scrubbed under `messages: 'keep'`).
 */
export function redactConsoleText(text: string, settings: MessageSettings): string {
  if (looksLikeStack(text)) {
    const newline = text.endsWith('\n') ? '\n' : '';
    const stack = (redact({ stack: newline ? text.slice(0, -1) : text }) as { stack?: unknown })
      .stack;
    return `${typeof stack === 'string' ? stack : REDACTED}${newline}`;
  }
  if (!text.includes('\n')) return redactLine(text, settings);
  return text
    .split('\n')
    .map((line) => redactLine(line, settings))
    .join('\n');
}
