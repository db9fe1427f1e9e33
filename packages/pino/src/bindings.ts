import { isTainted, redact, type Policy } from '@zrm/core';
import { UNREADABLE, inFlightTaintCount } from '@zrm/core/adapter';

interface ParsedBindings {
  readonly source: string;
  readonly bindings: Record<string, unknown> | undefined;
  /** Rendering made while nothing was registered: valid for `policy` while none of `leaves` is tainted. */
  clean?: { policy: Policy; text: string; leaves: string[] };
}

const UNREADABLE_BINDINGS = `,"bindings":${JSON.stringify(UNREADABLE)}`;

// pino serializes child bindings once, at child creation (possibly before the scope existed);
// zrm parses that text once per logger and redacts it for every ZRM line.
const parsed = new WeakMap<object, ParsedBindings>();

function parse(chindings: string): Record<string, unknown> | undefined {
  if (chindings === '') return {};
  try {
    const value: unknown = JSON.parse(`{${chindings.slice(1)}}`);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringLeaves(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) stringLeaves(v, out);
  return out;
}

/** The logger's bindings (pino's `,"key":value` text), re-rendered content-free for a ZRM line. */
export function safeChindings(logger: object, chindings: string, policy: Policy): string {
  let entry = parsed.get(logger);
  if (entry === undefined || entry.source !== chindings) {
    entry = { source: chindings, bindings: parse(chindings) };
    parsed.set(logger, entry);
  }
  if (entry.bindings === undefined) return UNREADABLE_BINDINGS;
  const nothingRegistered = inFlightTaintCount() === 0;
  const clean = entry.clean;
  if (
    clean !== undefined &&
    clean.policy === policy &&
    (nothingRegistered || !clean.leaves.some(isTainted))
  ) {
    return clean.text;
  }
  const safe = redact(entry.bindings);
  if (typeof safe !== 'object' || safe === null) return UNREADABLE_BINDINGS;
  const json = JSON.stringify(safe);
  const text = json.length > 2 ? `,${json.slice(1, -1)}` : '';
  if (nothingRegistered) entry.clean = { policy, text, leaves: stringLeaves(safe, []) };
  return text;
}
