import { isTainted } from '@zrm/core';
import type { HistoryItem } from './types.js';

function textForms(item: HistoryItem): string[] {
  const forms: string[] = [];
  for (const value of [item.text, item.requestId, item.voiceId, item.modelId]) {
    if (typeof value === 'string') forms.push(value);
  }
  if (item.metadata !== undefined && item.metadata !== null)
    forms.push(JSON.stringify(item.metadata) ?? '');
  const audio = item.audio;
  if (audio instanceof ArrayBuffer || ArrayBuffer.isView(audio)) {
    const bytes =
      audio instanceof ArrayBuffer
        ? Buffer.from(audio)
        : Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength);
    // the forms `markSensitive` registers for binary content
    forms.push(bytes.toString('hex'), bytes.toString('base64'));
  }
  return forms;
}

/**
 * Does the item carry content registered by an in-flight ZRM request? Used
 * where the async context was lost, so a ZRM request's content cannot slip
 * into history through a callback that forgot whose work it is.
 */
export function carriesTaint(item: HistoryItem): boolean {
  try {
    return textForms(item).some((form) => isTainted(form));
  } catch {
    return false; // unreadable items are refused by the store's own checks
  }
}
