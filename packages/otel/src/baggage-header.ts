import type { BaggageEntry } from '@opentelemetry/api';

/** W3C baggage limits. */
const MAX_ENTRIES = 180;
const MAX_BYTES = 8_192;

/** Does a `baggage` header value (or several) carry `zrm=1`? */
export function baggageAsksZeroRetention(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  for (const member of text.split(',')) {
    const eq = member.indexOf('=');
    if (eq < 0 || member.slice(0, eq).trim() !== 'zrm') continue;
    const value = member
      .slice(eq + 1)
      .split(';', 1)[0]
      ?.trim();
    if (value === '1') return true;
  }
  return false;
}

/** Serializes baggage entries, `zrm=1` first so that the size limit never drops it. */
export function serializeBaggage(entries: readonly (readonly [string, BaggageEntry])[]): string {
  const members = ['zrm=1'];
  let bytes = members[0]!.length;
  for (const [key, entry] of entries) {
    if (key === 'zrm' || members.length >= MAX_ENTRIES) continue;
    let member = `${encodeURIComponent(key)}=${encodeURIComponent(entry.value)}`;
    const metadata = entry.metadata?.toString();
    if (metadata !== undefined && metadata !== '') member += `;${metadata}`;
    if (bytes + 1 + member.length > MAX_BYTES) continue;
    members.push(member);
    bytes += 1 + member.length;
  }
  return members.join(',');
}
