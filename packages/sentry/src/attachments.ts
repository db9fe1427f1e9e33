import { isTainted } from '@zrm/core';
import { isTaintedBytes, reportCrossContext } from '@zrm/core/adapter';
import { isRecord, SINK, type Redaction } from './redaction.js';

function holdsContent(attachment: unknown): boolean {
  if (!isRecord(attachment)) return true;
  const { data, filename } = attachment;
  if (typeof filename === 'string' && isTainted(filename)) return true;
  if (typeof data === 'string') return isTainted(data);
  return data instanceof Uint8Array && isTaintedBytes(data);
}

/**
 * The attachments an event is sent with (the scope's, gathered into the
 * hint): none for a ZRM event (a file is content as a whole); elsewhere those
 * holding registered content of an in-flight ZRM request are left out.
 */
export function cleanAttachments(r: Redaction, attachments: unknown): unknown {
  if (!Array.isArray(attachments) || attachments.length === 0) return attachments;
  if (r.zrm) {
    r.replaced += attachments.length;
    return [];
  }
  return attachments.filter((attachment: unknown) => {
    if (!holdsContent(attachment)) return true;
    reportCrossContext(SINK);
    return false;
  });
}
