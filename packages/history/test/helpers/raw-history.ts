import { randomUUID } from 'node:crypto';
import type { HistoryDatabase, HistoryItem, HistoryStore } from '@zrm/history';

/**
 * The positive control: the same table written with a plain INSERT through the
 * driver, as a service without zrm would. A leak test that finds its canary
 * here and not behind zrm proves that its setup does carry the content.
 */
export function rawHistory(db: HistoryDatabase, schema: string): Pick<HistoryStore, 'record'> {
  return {
    async record(item: HistoryItem) {
      const id = randomUUID();
      const audio =
        item.audio === undefined
          ? null
          : item.audio instanceof ArrayBuffer
            ? Buffer.from(item.audio)
            : Buffer.from(item.audio.buffer, item.audio.byteOffset, item.audio.byteLength);
      await db.query(
        `INSERT INTO "${schema}".zrm_history_items
          (id, owner, request_id, voice_id, model_id, text, audio, metadata, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, now())`,
        [
          id,
          item.owner,
          item.requestId ?? null,
          item.voiceId ?? null,
          item.modelId ?? null,
          item.text ?? null,
          audio,
          item.metadata === undefined ? null : JSON.stringify(item.metadata),
        ],
      );
      return id;
    },
  };
}
