import { decodeComponent } from './decode.js';

/**
 * Every raw value of one query parameter, read from the raw URL (not from a
 * framework's parsed query, whose settings vary). Values are percent-decoded;
 * a value that cannot be decoded is returned as `\u0000` so it fails validation.
 */
export function queryValues(url: string, name: string): string[] {
  const q = url.indexOf('?');
  if (q < 0 || !mayHold(url, q, name)) return [];
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const values: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    if (decode(rawName) !== name) continue;
    values.push(eq < 0 ? '' : decode(pair.slice(eq + 1)));
  }
  return values;
}

/** A value that cannot be decoded becomes NUL, so it fails validation. */
function decode(part: string): string {
  return decodeComponent(part) ?? '\u0000';
}

/** False when no pair of the query can decode to `name`: it is not there verbatim and nothing is escaped. */
function mayHold(url: string, q: number, name: string): boolean {
  return (
    url.includes(name, q + 1) ||
    url.includes('%', q + 1) ||
    (name.includes(' ') && url.includes('+', q + 1))
  );
}
