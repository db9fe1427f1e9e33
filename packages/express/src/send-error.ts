import type { ServerResponse } from 'node:http';

export interface ErrorBody {
  error: { code: string; message: string; param?: string };
}

/** Writes a content-free JSON error; never throws (the client may already be gone). */
export function sendError(res: ServerResponse, status: number, body: ErrorBody): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.setHeader('Cache-Control', 'no-store');
    res.end(text);
  } catch {
    res.destroy();
  }
}
