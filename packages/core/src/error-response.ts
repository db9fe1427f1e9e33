import type { ServerResponse } from 'node:http';
import { isZrmError, ZrmError } from './errors.js';

/** The JSON body of every refusal and error an adapter answers: `{ "error": { code, message, param? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; param?: string };
}

/** A refusal or error ready to send: its status, content-free body and the headers that go with it. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** `body` as JSON text. */
  text: string;
  headers: { 'content-type': string; 'cache-control': string };
}

const INTERNAL = new ZrmError('internal_error', 'The request could not be processed.');

/**
 * The response for a refusal or error: a `ZrmError` with its status and
 * body (written by zrm, never quoting content); anything else a 500
 * `internal_error` that says nothing of the error.
 */
export function errorResponse(error: unknown): ErrorResponse {
  const known = isZrmError(error) ? error : INTERNAL;
  const body = known.toJSON();
  return {
    status: known.status,
    body,
    text: JSON.stringify(body),
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  };
}

/** Writes `errorResponse(error)` to a Node response; never throws (the client may be gone). */
export function writeErrorResponse(res: ServerResponse, error: unknown): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { status, text, headers } = errorResponse(error);
    res.statusCode = status;
    res.setHeader('Content-Type', headers['content-type']);
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.setHeader('Cache-Control', headers['cache-control']);
    res.end(text);
  } catch {
    res.destroy();
  }
}
