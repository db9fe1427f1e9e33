import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CapturedChunk, CapturedSink, DirectoryReadOptions } from './types.js';

async function readHead(path: string, maxBytes: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(maxBytes);
    let total = 0;
    while (total < maxBytes) {
      const { bytesRead } = await handle.read(buffer, total, maxBytes - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return buffer.subarray(0, total);
  } catch {
    return undefined; // vanished or unreadable: nothing to scan
  } finally {
    await handle?.close();
  }
}

/**
 * Reads the files under a directory (a temp or upload dir) as a sink: regular
 * files only, symbolic links not followed, bounded in count, size and depth.
 */
export async function readDirectory(
  dir: string,
  options: DirectoryReadOptions = {},
): Promise<CapturedSink> {
  const since = options.since ?? 0;
  const maxFiles = options.maxFiles ?? 10_000;
  const maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  const maxDepth = options.maxDepth ?? 8;
  const chunks: CapturedChunk[] = [];
  let seen = 0;

  const walk = async (path: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      return; // not ours to read (permissions) or gone
    }
    for (const entry of entries) {
      if (seen >= maxFiles) return;
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth) await walk(child, depth + 1);
      } else if (entry.isFile()) {
        seen++;
        const info = await stat(child).catch(() => undefined);
        if (info === undefined || info.mtimeMs < since) continue;
        const data = await readHead(child, Math.min(maxFileBytes, info.size));
        if (data !== undefined) chunks.push({ source: child, data });
      }
    }
  };

  await walk(dir, 0);
  return { name: `dir:${dir}`, chunks: () => chunks };
}

/** Reads one file from a byte offset (a log file since the audit started) as a sink. */
export async function readFileFrom(
  path: string,
  offset = 0,
  maxBytes = 256 * 1024 * 1024,
): Promise<CapturedSink> {
  const info = await stat(path).catch(() => undefined);
  const chunks: CapturedChunk[] = [];
  if (info !== undefined) {
    // a file shorter than the offset was rotated or truncated: read it whole
    const start = info.size < offset ? 0 : offset;
    let handle;
    try {
      handle = await open(path, 'r');
      const length = Math.min(info.size - start, maxBytes);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      chunks.push({ source: path, data: buffer.subarray(0, bytesRead) });
    } catch {
      // unreadable: reported as an empty sink
    } finally {
      await handle?.close();
    }
  }
  return { name: `file:${path}`, chunks: () => chunks };
}
