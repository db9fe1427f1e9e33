/** True when a W3C `baggage` header carries the member `zrm=1`. */
export function hasPropagatedZrm(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text.includes('zrm')) return false;
  for (const member of text.split(',')) {
    const eq = member.indexOf('=');
    if (eq < 0 || member.slice(0, eq).trim() !== 'zrm') continue;
    const semi = member.indexOf(';', eq);
    const value = member.slice(eq + 1, semi < 0 ? undefined : semi).trim();
    if (value === '1') return true;
  }
  return false;
}
