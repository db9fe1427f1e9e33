/** True when a W3C `baggage` header (or several) carries the member `zrm=1`. */
export function hasPropagatedZeroRetention(
  header: string | readonly string[] | undefined,
): boolean {
  if (header === undefined) return false;
  const text = typeof header === 'string' ? header : header.join(',');
  if (!text.includes('zrm')) return false;
  for (const member of text.split(',')) {
    const eq = member.indexOf('=');
    if (eq < 0 || member.slice(0, eq).trim() !== 'zrm') continue;
    const semi = member.indexOf(';', eq);
    if (member.slice(eq + 1, semi < 0 ? undefined : semi).trim() === '1') return true;
  }
  return false;
}
