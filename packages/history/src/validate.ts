import { ZrmError } from '@zrm/core';
import type { HistoryFilters, HistoryItem } from './types.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1_000;
const MAX_NAME_LENGTH = 256;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function invalid(param: string, message: string): ZrmError {
  return new ZrmError('invalid_request', message, { param });
}

/** A name-like field (owner, request id, voice id, model id): 1-256 characters, no control characters. */
export function checkName(param: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_NAME_LENGTH ||
    CONTROL.test(value)
  ) {
    throw invalid(
      param,
      `${param} must be a string of 1 to ${MAX_NAME_LENGTH} characters without control characters.`,
    );
  }
  return value;
}

function optionalName(param: string, value: unknown): string | null {
  return value === undefined || value === null ? null : checkName(param, value);
}

export function checkId(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value))
    throw invalid('id', 'id must be a history item id (a UUID).');
  return value.toLowerCase();
}

export function checkLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw invalid('limit', `limit must be an integer from 1 to ${MAX_LIMIT}.`);
  }
  return value;
}

function checkDate(param: string, value: unknown): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw invalid(param, `${param} must be a valid Date.`);
  return value;
}

export function checkTtl(value: unknown, param = 'ttlMs'): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(param, `${param} must be a positive integer number of milliseconds, or null.`);
  }
  return value;
}

export interface CheckedFilters {
  requestId: string | null;
  voiceId: string | null;
  modelId: string | null;
  since: Date | null;
  until: Date | null;
}

export function checkFilters(value: HistoryFilters | undefined): CheckedFilters {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw invalid('filters', 'filters must be an object.');
  }
  const f = value ?? {};
  return {
    requestId: optionalName('filters.requestId', f.requestId),
    voiceId: optionalName('filters.voiceId', f.voiceId),
    modelId: optionalName('filters.modelId', f.modelId),
    since: checkDate('filters.since', f.since),
    until: checkDate('filters.until', f.until),
  };
}

export interface CheckedItem {
  owner: string;
  requestId: string | null;
  voiceId: string | null;
  modelId: string | null;
  text: string | null;
  audio: Buffer | null;
  metadata: string | null;
  ttlMs: number | null | undefined;
}

function toBuffer(value: unknown): Buffer | null {
  if (value === undefined || value === null) return null;
  if (ArrayBuffer.isView(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  throw invalid('audio', 'audio must be a Uint8Array, a Buffer or an ArrayBuffer.');
}

function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid('metadata', 'metadata must be a plain object.');
  try {
    return JSON.stringify(value);
  } catch {
    throw invalid('metadata', 'metadata must be JSON-serializable.');
  }
}

/** Checks an item before any statement runs; messages name the field, never its value. */
export function checkItem(item: unknown): CheckedItem {
  if (typeof item !== 'object' || item === null) throw invalid('item', 'item must be an object.');
  const i = item as HistoryItem;
  if (i.text !== undefined && i.text !== null && typeof i.text !== 'string') {
    throw invalid('text', 'text must be a string.');
  }
  return {
    owner: checkName('owner', i.owner),
    requestId: optionalName('requestId', i.requestId),
    voiceId: optionalName('voiceId', i.voiceId),
    modelId: optionalName('modelId', i.modelId),
    text: i.text ?? null,
    audio: toBuffer(i.audio),
    metadata: toJson(i.metadata),
    ttlMs: i.ttlMs === undefined ? undefined : checkTtl(i.ttlMs),
  };
}
