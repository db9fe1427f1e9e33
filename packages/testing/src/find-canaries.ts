import { audioNeedles, fragmentGroups, textNeedles } from './canary-forms.js';
import type { FragmentGroup, Needle } from './canary-forms.js';
import { toChunks } from './haystack.js';
import type { Canary, CanaryHit, Haystack } from './types.js';

interface Prepared {
  readonly canary: Canary;
  readonly whole: readonly FragmentGroup[];
  readonly fragments: readonly FragmentGroup[];
}

const prepared = new WeakMap<Canary, Prepared>();

function prepare(canary: Canary): Prepared {
  let entry = prepared.get(canary);
  if (entry === undefined) {
    entry =
      canary.kind === 'audio'
        ? { canary, whole: audioNeedles(canary), fragments: [] }
        : { canary, whole: textNeedles(canary), fragments: fragmentGroups(canary) };
    prepared.set(canary, entry);
  }
  return entry;
}

function firstMatch(
  bytes: Buffer,
  needles: readonly Needle[],
): { needle: Needle; offset: number } | undefined {
  for (const needle of needles) {
    const offset = bytes.indexOf(needle.bytes);
    if (offset >= 0) return { needle, offset };
  }
  return undefined;
}

/** Searches a group's spellings only where its anchor occurs: most chunks are rejected by a few short searches. */
function firstInGroups(
  bytes: Buffer,
  groups: readonly FragmentGroup[],
  anchors: Map<string, boolean>,
): { needle: Needle; offset: number } | undefined {
  for (const group of groups) {
    const key = group.anchor.toString('latin1');
    let present = anchors.get(key);
    if (present === undefined) {
      present = bytes.indexOf(group.anchor) >= 0;
      anchors.set(key, present);
    }
    if (!present) continue;
    const match = firstMatch(bytes, group.needles);
    if (match !== undefined) return match;
  }
  return undefined;
}

/**
 * Every canary found in the haystack, one hit per canary and chunk: the whole
 * canary in any of its spellings (plain, JSON-escaped, URL-encoded, base64,
 * base64url, hex; for audio the raw marker bytes, base64, hex or a JSON byte
 * list), or else a fragment of a text canary. An empty list means none was found.
 */
export function findCanaries(
  haystack: Haystack | object | string,
  canaries: Canary | readonly Canary[],
): CanaryHit[] {
  const list = (Array.isArray(canaries) ? canaries : [canaries]) as readonly Canary[];
  const entries = list.map(prepare);
  const hits: CanaryHit[] = [];
  for (const chunk of toChunks(haystack)) {
    const bytes =
      typeof chunk.data === 'string'
        ? Buffer.from(chunk.data, 'utf8')
        : Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
    const anchors = new Map<string, boolean>();
    for (const entry of entries) {
      const match =
        firstInGroups(bytes, entry.whole, anchors) ??
        firstInGroups(bytes, entry.fragments, anchors);
      if (match === undefined) continue;
      hits.push({
        label: entry.canary.label,
        canary: entry.canary,
        form: match.needle.form,
        source: chunk.source,
        offset: match.offset,
      });
    }
  }
  return hits;
}

/** True when any of the canaries is in the haystack. */
export function containsCanary(
  haystack: Haystack | object | string,
  canaries: Canary | readonly Canary[],
): boolean {
  return findCanaries(haystack, canaries).length > 0;
}
