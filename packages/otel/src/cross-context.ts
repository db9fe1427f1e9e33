import { isTainted, REDACTED } from '@zrm/core';
import { reportCrossContext } from '@zrm/core/adapter';
import { overlay } from './overlay.js';
import type { ZrmReadableSpan } from './types.js';

/** Deeper values are not walked: replaced as a whole (fail closed). */
const MAX_DEPTH = 32;

/** Values replaced by the clean running now (a counter, not a closure: no allocation per span). */
let caught = 0;

function holdsContent(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return isTainted(value);
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsContent(value[i], depth + 1)) return true;
    return false;
  }
  const map = value as Record<string, unknown>;
  for (const key in map) if (holdsContent(map[key], depth + 1)) return true;
  return false;
}

/** A value (string, array, nested map) holding registered content becomes `[REDACTED]` as a whole. */
function cleanValue<T>(value: T): T | typeof REDACTED {
  if (!holdsContent(value, 0)) return value;
  caught++;
  return REDACTED;
}

/** An attribute map with every value that holds registered content replaced; the map itself when clean. */
function cleanMap<T extends object | undefined>(attributes: T): T {
  if (attributes === undefined) return attributes;
  const source = attributes as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in source) {
    const value = source[key];
    const clean = cleanValue(value);
    if (clean === value) continue;
    out ??= { ...source };
    out[key] = clean;
  }
  return (out ?? attributes) as T;
}

interface Attributed {
  readonly name?: string;
  readonly attributes?: object | undefined;
}

/** An event or a link with its name and attributes cleaned; the item itself when clean. */
function cleanItem<T extends Attributed>(item: T): T {
  const name = item.name === undefined ? undefined : cleanValue(item.name);
  const attributes = cleanMap(item.attributes);
  if (name === item.name && attributes === item.attributes) return item;
  return name === undefined ? { ...item, attributes } : { ...item, name, attributes };
}

function cleanList<T extends Attributed>(list: T[]): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as T;
    const clean = cleanItem(item);
    if (clean === item) continue;
    out ??= list.slice();
    out[i] = clean;
  }
  return out ?? list;
}

/**
 * A span ending outside the ZRM request whose content it carries (a shared
 * connection, a batcher, a pooled socket: any context): the span itself when it
 * holds no registered content of an in-flight ZRM request, else a view whose
 * name, attributes, event names and attributes, link attributes and status
 * message holding it are `[REDACTED]` as a whole, counted as `cross-context`.
 */
export function cleanSpan<S extends ZrmReadableSpan>(span: S): S {
  caught = 0;
  const name = cleanValue(span.name);
  const attributes = cleanMap(span.attributes);
  const events = cleanList(span.events);
  const links = cleanList(span.links);
  const status = span.status;
  const message = status.message === undefined ? undefined : cleanValue(status.message);
  if (caught === 0) return span;
  reportCrossContext('otel.span', caught);
  return overlay(span, {
    name,
    attributes,
    events,
    links,
    status: message === status.message ? status : { ...status, message },
  });
}

/**
 * The same for a log record's body and attributes: `undefined` when the
 * record holds no registered content, else the values to set, counted.
 */
export function cleanLogFields(
  body: unknown,
  attributes: Record<string, unknown>,
): { body: unknown; attributes: Record<string, unknown> } | undefined {
  caught = 0;
  const cleanBody = cleanValue(body);
  const cleanAttributes = cleanMap(attributes);
  if (caught === 0) return undefined;
  reportCrossContext('otel.log', caught);
  return { body: cleanBody, attributes: cleanAttributes };
}
