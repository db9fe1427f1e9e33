import type { Backend } from './backends.js';

function stringHolds(text: string, needle: string | Buffer): boolean {
  if (typeof needle === 'string') return text.includes(needle);
  return text.includes(needle.toString('hex')) || text.includes(needle.toString('base64'));
}

/** Does a column value, as the driver decodes it, hold the needle (jsonb: every key and leaf too)? */
function holds(value: unknown, needle: string | Buffer): boolean {
  if (typeof value === 'string') return stringHolds(value, needle);
  if (value instanceof Uint8Array) return Buffer.from(value).includes(needle);
  if (typeof value !== 'object' || value === null || value instanceof Date) return false;
  if (stringHolds(JSON.stringify(value), needle)) return true;
  return Object.entries(value).some(
    ([key, inner]) => stringHolds(key, needle) || holds(inner, needle),
  );
}

/**
 * Every `table.column` of every row in `schema` that holds the needle, read
 * with plain SQL outside any store: text as it is, bytea as bytes, jsonb
 * decoded (a value JSON escapes is found as itself).
 */
export async function columnsHolding(
  backend: Backend,
  schema: string,
  needle: string | Buffer,
): Promise<string[]> {
  const tables = await backend.raw(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  const found: string[] = [];
  for (const { table_name } of tables) {
    for (const row of await backend.raw(`SELECT * FROM "${schema}"."${String(table_name)}"`)) {
      for (const [column, value] of Object.entries(row)) {
        if (holds(value, needle)) found.push(`${String(table_name)}.${column}`);
      }
    }
  }
  return found;
}
