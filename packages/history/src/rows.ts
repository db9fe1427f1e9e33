import type { StoredHistoryItem } from './types.js';

/** Columns every read selects, in the shape `toItem` expects. */
export const ITEM_COLUMNS =
  'seq::text AS position, id::text AS id, owner, request_id, voice_id, model_id, text, audio, metadata, created_at, expires_at';

const optional = <T>(value: unknown): T | undefined =>
  value === null || value === undefined ? undefined : (value as T);

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function toItem(row: Record<string, unknown>): StoredHistoryItem {
  const audio = row.audio;
  return {
    id: String(row.id),
    owner: String(row.owner),
    requestId: optional<string>(row.request_id),
    text: optional<string>(row.text),
    audio: audio instanceof Uint8Array ? audio : undefined,
    voiceId: optional<string>(row.voice_id),
    modelId: optional<string>(row.model_id),
    metadata: optional<Record<string, unknown>>(row.metadata),
    createdAt: toDate(row.created_at),
    expiresAt:
      row.expires_at === null || row.expires_at === undefined ? undefined : toDate(row.expires_at),
  };
}
