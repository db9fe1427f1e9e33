import { isTainted } from '@zrm/core';
import { isTaintedRemembering, shortestTaintedLength } from '@zrm/core/adapter';
import { pinoSymbols, serializersSymbol } from './pino-symbols.js';
import { serializerKeys, type Serializers } from './zrm-args.js';

type Slots = Record<symbol, unknown>;

/** Deeper values are not walked: the line is scrubbed instead. */
const MAX_DEPTH = 8;

/**
 * Is every string that can reach this line (merging object, message,
 * interpolation arguments, bindings, message prefix) shorter than any
 * registered content could be, or clean? Used while ZRM requests are in
 * flight for a line outside a ZRM scope: true writes pino's line as it is,
 * false has the rendered line scrubbed. Anything whose rendering zrm cannot
 * foresee — a key with a serializer, an error, a class instance, `toJSON` —
 * answers false, so the rendered line is scanned instead: never a guess.
 */
export function ordinaryLineClean(logger: object, args: readonly unknown[]): boolean {
  try {
    return inputsClean(logger, args);
  } catch {
    // a throwing getter or Proxy trap: the rendered line is scanned instead
    return false;
  }
}

function inputsClean(logger: object, args: readonly unknown[]): boolean {
  const shortest = shortestTaintedLength();
  const symbols = pinoSymbols(logger);
  if (symbols === undefined) return false;
  const slots = logger as Slots;
  const chindings = slots[symbols.chindings];
  if (typeof chindings === 'string' && longestToken(chindings) >= shortest && isTainted(chindings))
    return false;
  if (symbols.msgPrefix !== undefined && !cleanString(slots[symbols.msgPrefix], shortest))
    return false;
  const first = args[0];
  let at = 0;
  if (typeof first === 'object' && first !== null) {
    if (!cleanMergingObject(first, slots[serializersSymbol], shortest)) return false;
    at = 1;
  }
  for (let i = at; i < args.length; i++) if (!cleanValue(args[i], shortest, 0)) return false;
  return true;
}

// pino renders a logger's bindings once; their longest string is measured once per rendering
const longestTokens = new Map<string, number>();
const MAX_REMEMBERED = 1_024;

// most lines come from a few loggers: the last bindings text measured is checked first, by identity
let lastChindings = '';
let lastLongest = 0;

/** Length of the longest string token in pino's `,"key":value` bindings text. */
function longestToken(chindings: string): number {
  if (chindings === lastChindings) return lastLongest;
  const longest = measure(chindings);
  lastChindings = chindings;
  lastLongest = longest;
  return longest;
}

function measure(chindings: string): number {
  if (chindings.length < 16) return chindings.length;
  let longest = longestTokens.get(chindings);
  if (longest !== undefined) return longest;
  longest = 0;
  let start = -1;
  for (let i = 0; i < chindings.length; i++) {
    const c = chindings.charCodeAt(i);
    if (c === 92)
      i++; // a backslash escapes the next character, a quote included
    else if (c === 34) {
      if (start === -1) start = i;
      else {
        longest = Math.max(longest, i - start - 1);
        start = -1;
      }
    }
  }
  if (start !== -1) longest = chindings.length; // unterminated: treat the text as one long token
  if (longestTokens.size >= MAX_REMEMBERED) longestTokens.clear();
  longestTokens.set(chindings, longest);
  return longest;
}

function cleanString(value: unknown, shortest: number): boolean {
  return typeof value !== 'string' || value.length < shortest || !isTaintedRemembering(value);
}

/** pino runs serializers on the merging object's own top-level keys: such a key's output is unknown here. */
let lastSerializers: unknown;
let lastSerializerKeys: readonly string[] = [];

function cleanMergingObject(object: object, serializers: unknown, shortest: number): boolean {
  if (!isPlain(object)) return false;
  if (serializers !== lastSerializers) {
    lastSerializerKeys =
      typeof serializers === 'object' && serializers !== null
        ? serializerKeys(serializers as Serializers)
        : [];
    lastSerializers = serializers;
  }
  const keys = lastSerializerKeys;
  for (let i = 0; i < keys.length; i++)
    if (Object.prototype.hasOwnProperty.call(object, keys[i] as string)) return false;
  for (const key in object) if (!cleanEntry(object, key, shortest, 0)) return false;
  return true;
}

function cleanEntry(object: object, key: string, shortest: number, depth: number): boolean {
  if (key.length >= shortest && isTaintedRemembering(key)) return false;
  return cleanValue((object as Record<string, unknown>)[key], shortest, depth + 1);
}

function cleanValue(value: unknown, shortest: number, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.length < shortest || !isTaintedRemembering(value);
    case 'object': {
      if (value === null || value instanceof Date) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (!cleanValue(value[i], shortest, depth + 1)) return false;
        return true;
      }
      if (!isPlain(value)) return false;
      for (const key in value) if (!cleanEntry(value, key, shortest, depth)) return false;
      return true;
    }
    default:
      // numbers, booleans, bigints, undefined, functions and symbols render no content
      return true;
  }
}

/** A plain object with no `toJSON` and no inherited enumerable keys: it renders as its own entries. */
function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
