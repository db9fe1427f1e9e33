import type { AudioCanary, CanaryForm, TextCanary } from './types.js';

export interface Needle {
  readonly form: CanaryForm;
  readonly bytes: Buffer;
}

/**
 * Base64 of `bytes` as it appears inside a longer encoding, for each of the
 * three byte alignments: only the characters that depend on `bytes` alone.
 */
export function alignedBase64(bytes: Uint8Array, url: boolean): string[] {
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const padded = Buffer.concat([Buffer.alloc(pad), Buffer.from(bytes)]);
    const encoded = padded.toString(url ? 'base64url' : 'base64');
    const start = Math.ceil((pad * 8) / 6);
    const end = Math.floor((padded.length * 8) / 6);
    if (end - start >= 8) forms.push(encoded.slice(start, end));
  }
  return forms;
}

function asciiJson(text: string, upper: boolean): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
}

function lowerPercent(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** The escaped spellings of one piece of text: JSON (once, twice, ASCII-only, `\/`) and URL (component, form, URI). */
function escapedForms(text: string): { json: string[]; url: string[] } {
  const once = JSON.stringify(text).slice(1, -1);
  const json = [once, asciiJson(text, false), asciiJson(text, true), once.replace(/\//g, '\\/')];
  json.push(JSON.stringify(once).slice(1, -1));
  const component = encodeURIComponent(text);
  const form = new URLSearchParams({ v: text }).toString().slice(2);
  const uri = encodeURI(text);
  const url = [
    component,
    form,
    uri,
    lowerPercent(component),
    lowerPercent(form),
    lowerPercent(uri),
  ];
  return { json, url };
}

function addUnique(out: Needle[], seen: Set<string>, form: CanaryForm, text: string): void {
  if (seen.has(text)) return;
  seen.add(text);
  out.push({ form, bytes: Buffer.from(text, 'utf8') });
}

/**
 * Every spelling of the whole canary text, most literal first: the plain, JSON
 * and URL spellings under the value's anchor, the base64 and hex ones apart.
 */
export function textNeedles(canary: TextCanary): FragmentGroup[] {
  const literal: Needle[] = [];
  const encoded: Needle[] = [];
  const seen = new Set<string>();
  addUnique(literal, seen, 'plain', canary.value);
  const { json, url } = escapedForms(canary.value);
  for (const text of json) addUnique(literal, seen, 'json-escaped', text);
  for (const text of url) addUnique(literal, seen, 'url-encoded', text);
  const utf8 = Buffer.from(canary.value, 'utf8');
  for (const text of alignedBase64(utf8, false)) addUnique(encoded, seen, 'base64', text);
  for (const text of alignedBase64(utf8, true)) addUnique(encoded, seen, 'base64url', text);
  // a JSON body encoded as a whole carries the escaped spelling
  const escaped = Buffer.from(json[0] ?? canary.value, 'utf8');
  for (const text of alignedBase64(escaped, false)) addUnique(encoded, seen, 'base64', text);
  for (const text of alignedBase64(escaped, true)) addUnique(encoded, seen, 'base64url', text);
  addUnique(encoded, seen, 'hex', utf8.toString('hex'));
  addUnique(encoded, seen, 'hex', utf8.toString('hex').toUpperCase());
  return [
    { anchor: Buffer.from(longestAlnumRun(canary.value), 'utf8'), needles: literal },
    { anchor: Buffer.alloc(0), needles: encoded },
  ];
}

/** The fragments of one window, all spellings of which contain `anchor` literally. */
export interface FragmentGroup {
  /** The window's longest run of letters and digits: no JSON or URL encoding changes it. */
  readonly anchor: Buffer;
  readonly needles: readonly Needle[];
}

function longestAlnumRun(text: string): string {
  let best = '';
  for (const run of text.match(/[A-Za-z0-9]+/g) ?? []) if (run.length > best.length) best = run;
  return best;
}

/** Every fragment of the canary in its plain, JSON-escaped and URL-encoded spellings, grouped by anchor. */
export function fragmentGroups(canary: TextCanary): FragmentGroup[] {
  const groups: FragmentGroup[] = [];
  const seen = new Set<string>();
  for (const fragment of canary.fragments) {
    const needles: Needle[] = [];
    addUnique(needles, seen, 'fragment', fragment);
    const { json, url } = escapedForms(fragment);
    for (const text of [...json, ...url]) addUnique(needles, seen, 'fragment', text);
    if (needles.length > 0)
      groups.push({ anchor: Buffer.from(longestAlnumRun(fragment), 'utf8'), needles });
  }
  return groups;
}

/** The marker as raw bytes, base64 (both alphabets, every alignment), hex and a JSON byte list. */
export function audioNeedles(canary: AudioCanary): FragmentGroup[] {
  const out: Needle[] = [{ form: 'bytes', bytes: Buffer.from(canary.marker) }];
  const seen = new Set<string>();
  for (const text of alignedBase64(canary.marker, false)) addUnique(out, seen, 'base64', text);
  for (const text of alignedBase64(canary.marker, true)) addUnique(out, seen, 'base64url', text);
  const hex = Buffer.from(canary.marker).toString('hex');
  addUnique(out, seen, 'hex', hex);
  addUnique(out, seen, 'hex', hex.toUpperCase());
  // JSON.stringify(buffer) writes {"type":"Buffer","data":[82,73,…]}
  addUnique(out, seen, 'byte-list', Array.from(canary.marker).join(','));
  return [{ anchor: Buffer.alloc(0), needles: out }];
}
