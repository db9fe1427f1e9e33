import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import multer from 'multer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import { audioCanary, canary } from './helpers/canary.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { listen, type Running } from './helpers/server.js';

/** Files in `dir` (top level) changed since `since` that hold `needle`. */
function filesHolding(dir: string, needle: Buffer, since: number): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      const stat = statSync(path);
      if (!stat.isFile() || stat.mtimeMs < since || stat.size > 16 * 1024 * 1024) continue;
      if (readFileSync(path).includes(needle)) hits.push(path);
    } catch {
      // removed meanwhile, or not readable: not ours
    }
  }
  return hits;
}

describe.each(EXPRESS_VERSIONS)('uploads to disk storage (%s)', (_name, express) => {
  let running: Running;
  const started = Date.now() - 1_000;
  const uploadDir = mkdtempSync(join(tmpdir(), 'zrm-express-uploads-'));
  const handled: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(zeroRetention());
    // disk storage in the OS temp dir: multer's default destination
    const toDisk = multer({ storage: multer.diskStorage({}) });
    const toDir = multer({ dest: uploadDir });
    const reply = (req: Request, res: Response) => {
      handled.push(req.file?.path ?? 'none');
      res.json({ stored: req.file !== undefined });
    };
    app.post('/tmp', toDisk.single('file'), reply);
    app.post('/dir', toDir.single('file'), reply);
    app.use(zeroRetentionErrorHandler());
    running = await listen(app);
  });
  afterAll(async () => {
    await running.close();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  function form(audio: Buffer, text: string): FormData {
    const body = new FormData();
    body.append('text', text);
    body.append('file', new Blob([audio], { type: 'audio/wav' }), 'speech.wav');
    return body;
  }

  it.each(['/tmp', '/dir'])(
    'refuses a ZRM upload to disk storage (%s) with 500 zero_retention_storage_not_allowed and writes nothing',
    async (route) => {
      const audio = audioCanary(256 * 1024);
      const before = handled.length;
      const res = await fetch(`${running.url}${route}?enable_logging=false`, {
        method: 'POST',
        body: form(audio, canary('upload-text')),
      });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('zero_retention_storage_not_allowed');
      expect(body.error.message).toMatch(/memory storage/);
      expect(handled.length).toBe(before);
      const probe = audio.subarray(1000, 1064);
      expect(filesHolding(tmpdir(), probe, started)).toEqual([]);
      expect(filesHolding(uploadDir, probe, started)).toEqual([]);
      expect(readdirSync(uploadDir)).toEqual([]);
    },
  );

  it('still writes an ordinary upload to the configured disk storage', async () => {
    const audio = audioCanary(64 * 1024);
    const res = await fetch(`${running.url}/dir`, { method: 'POST', body: form(audio, 'hello') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: true });
    const stored = handled.at(-1)!;
    expect(readFileSync(stored).equals(audio)).toBe(true);
    rmSync(stored);
  });
});
