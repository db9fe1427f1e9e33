import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { WriteStream, unlink } from 'node:fs';
import type { Readable } from 'node:stream';
import { ZrmError, type ZrmScope } from '@zrm/core';
import { registerStreamData } from '@zrm/core/adapter';

// busboy parses these two types and nothing else
const FORM = /^\s*(?:multipart\/|application\/x-www-form-urlencoded)/i;

const DISK_REFUSED =
  'File uploads cannot be written to disk in Zero Retention Mode; configure memory storage for this route.';

/** busboy (used by multer and others) announces itself by its `file`/`field` listeners. */
function isMultipartParser(dest: unknown): dest is EventEmitter {
  const emitter = dest as EventEmitter;
  return (
    typeof emitter?.prependListener === 'function' &&
    (emitter.listenerCount('file') > 0 || emitter.listenerCount('field') > 0)
  );
}

function refuseDisk(file: Readable, dest: WriteStream): void {
  const error = new ZrmError('zero_retention_storage_not_allowed', DISK_REFUSED);
  // the write stream may already have created an empty file: remove it once it is closed
  dest.once('close', () => unlink(dest.path, () => undefined));
  dest.destroy(error);
  file.destroy(error);
}

/** Registers an uploaded file's bytes as they arrive, and refuses to let it be piped into a file. */
function guardFile(file: Readable, scope: ZrmScope): void {
  registerStreamData(file, scope);
  const pipe = file.pipe.bind(file);
  file.pipe = <T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T => {
    if (dest instanceof WriteStream) {
      refuseDisk(file, dest);
      return dest;
    }
    return pipe(dest, options);
  };
}

function watchParser(parser: EventEmitter, scope: ZrmScope): void {
  const safe = scope.policy.safeQueryParams;
  parser.prependListener('field', (name: unknown, value: unknown) => {
    if (typeof value !== 'string') return;
    if (typeof name === 'string' && safe.has(name.toLowerCase())) return;
    scope.register(value);
  });
  parser.prependListener('file', (_name: unknown, file: unknown) => {
    if (typeof (file as Readable)?.pipe === 'function') guardFile(file as Readable, scope);
  });
}

/**
 * For a ZRM request: when the body is piped into a multipart parser (multer's
 * busboy), text fields and file bytes are registered as content, and a file
 * piped into an `fs.WriteStream` (disk storage) fails with
 * `zero_retention_storage_not_allowed` instead of being written.
 */
export function guardMultipart(req: IncomingMessage, scope: ZrmScope): void {
  // a body of another type is never piped into a form parser
  if (!FORM.test(req.headers['content-type'] ?? '')) return;
  const pipe = req.pipe.bind(req);
  req.pipe = <T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T => {
    if (isMultipartParser(dest)) watchParser(dest, scope);
    return pipe(dest, options);
  };
}
