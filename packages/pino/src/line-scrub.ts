import { scrubString } from '@zrm/core';
import { scrubJson } from '@zrm/core/adapter';

function scrubValues(value: unknown): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (Array.isArray(value)) return value.map(scrubValues);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[scrubString(key)] = scrubValues(item);
  return out;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Scrubs registered content from a rendered line. When a registered value held
 * JSON syntax, the plain scrub can cut into the line's structure: then the
 * line's values are scrubbed one by one, so the line stays valid JSON.
 */
export function scrubLine(line: string): string {
  const out = scrubJson(line, 'pino');
  if (out === line) return line;
  const newline = line.endsWith('\n') ? '\n' : '';
  const body = newline ? line.slice(0, -1) : line;
  if (!isJson(body) || isJson(newline ? out.slice(0, -1) : out)) return out;
  return JSON.stringify(scrubValues(JSON.parse(body))) + newline;
}
