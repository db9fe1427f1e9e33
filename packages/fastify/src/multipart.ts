import { markSensitive, ZrmError, type ZrmScope } from '@zrm/core';
import { registerStreamData } from '@zrm/core/adapter';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';

interface Part {
  type?: unknown;
  value?: unknown;
  file?: Readable;
  fields?: Record<string, unknown>;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

interface MultipartRequest {
  parts?: Method;
  file?: Method;
  files?: Method;
  saveRequestFiles?: Method;
}

function refuseDiskStorage(): Promise<never> {
  return Promise.reject(
    new ZrmError(
      'zero_retention_storage_not_allowed',
      'Uploads are not written to disk in Zero Retention Mode: read them with request.file() or request.parts().',
    ),
  );
}

/** Registers each chunk of an upload (as its base64 and hex forms) when it is read, whichever way it is read. */
function registerChunks(file: Readable, scope: ZrmScope): void {
  registerStreamData(file, scope);
  const read = file.read.bind(file);
  file.read = function readRegistered(this: Readable, size?: number): unknown {
    const chunk: unknown = read(size);
    if (ArrayBuffer.isView(chunk)) scope.run(() => markSensitive(chunk));
    return chunk;
  };
}

function registerPart(part: unknown, scope: ZrmScope): void {
  if (typeof part !== 'object' || part === null) return;
  const { type, value, file } = part as Part;
  scope.run(() => {
    if (type === 'field' && typeof value === 'string') markSensitive(value);
  });
  if (type === 'file' && file !== undefined) registerChunks(file, scope);
  const fields = (part as Part).fields;
  if (typeof fields === 'object' && fields !== null) {
    for (const field of Object.values(fields)) {
      for (const item of Array.isArray(field) ? field : [field]) {
        if (item !== part && (item as Part | undefined)?.type === 'field')
          registerPart(item, scope);
      }
    }
  }
}

async function* registerEach(
  iterable: AsyncIterable<unknown>,
  scope: ZrmScope,
): AsyncGenerator<unknown> {
  for await (const part of iterable) {
    registerPart(part, scope);
    yield part;
  }
}

/**
 * For a ZRM request: `@fastify/multipart`'s readers register every text field
 * and every chunk of every file as content, and `saveRequestFiles()` (which
 * writes uploads to the temp dir) is refused with `zero_retention_storage_not_allowed`.
 */
export function guardMultipart(request: FastifyRequest, scope: ZrmScope): void {
  const req = request as unknown as MultipartRequest;
  if (typeof req.saveRequestFiles === 'function') req.saveRequestFiles = refuseDiskStorage;
  const { parts, file, files } = req;
  if (typeof parts === 'function') {
    req.parts = function partsRegistered(this: unknown, ...args: unknown[]) {
      return registerEach(parts.apply(this, args) as AsyncIterable<unknown>, scope);
    };
  }
  if (typeof files === 'function') {
    req.files = function filesRegistered(this: unknown, ...args: unknown[]) {
      return registerEach(files.apply(this, args) as AsyncIterable<unknown>, scope);
    };
  }
  if (typeof file === 'function') {
    req.file = async function fileRegistered(this: unknown, ...args: unknown[]) {
      const part = await (file.apply(this, args) as Promise<unknown>);
      registerPart(part, scope);
      return part;
    };
  }
}
