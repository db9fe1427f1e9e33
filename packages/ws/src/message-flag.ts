import { parseEnableLogging } from '@zrm/core';

/** What a message says about the flag: ZRM asked, nothing (absent or `true`), or an invalid value. */
export type MessageFlag = 'zrm' | 'none' | 'invalid';

/** Reads the top-level `field` of a parsed JSON message, with the strictness of the query flag. */
export function readMessageFlag(parsed: unknown, field: string): MessageFlag {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'none';
  if (!Object.hasOwn(parsed, field)) return 'none';
  let value = (parsed as Record<string, unknown>)[field];
  if (value === 0 || value === 1) value = String(value);
  try {
    return parseEnableLogging(value) === false ? 'zrm' : 'none';
  } catch {
    return 'invalid';
  }
}

/** A text frame worth parsing: a JSON object, and (for the flag) one that mentions the field. */
export function parseJsonObject(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
