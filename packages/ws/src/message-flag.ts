/** The top-level `field` of a parsed JSON message as received; `undefined` when there is none. */
export function messageField(parsed: unknown, field: string): unknown {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return Object.hasOwn(parsed, field) ? (parsed as Record<string, unknown>)[field] : undefined;
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
