import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ZrmError } from '@zrm/core';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_CURSOR_LENGTH = 128;

function invalidCursor(): ZrmError {
  return new ZrmError('invalid_request', 'The cursor is not valid for this list.', {
    param: 'cursor',
  });
}

/**
 * A page position, encrypted and bound to its owner (AES-256-GCM with the owner
 * as associated data): opaque to the client, unforgeable, and useless to any
 * other owner. It reveals nothing, not even the store's row count.
 */
export function encodeCursor(key: Buffer, owner: string, seq: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(owner, 'utf8'));
  const body = Buffer.concat([cipher.update(seq, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The position in a cursor made by `encodeCursor` for this owner; `invalid_request` otherwise. */
export function decodeCursor(key: Buffer, owner: string, cursor: unknown): string {
  if (
    typeof cursor !== 'string' ||
    cursor.length > MAX_CURSOR_LENGTH ||
    !/^[A-Za-z0-9_-]+$/.test(cursor)
  ) {
    throw invalidCursor();
  }
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw invalidCursor();
  let seq: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    seq = Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw invalidCursor();
  }
  if (!/^[1-9][0-9]{0,18}$/.test(seq)) throw invalidCursor();
  return seq;
}
