import type { AudioCanary, TextCanary } from '../types.js';
import type { ProbeConfig } from './types.js';

export interface ProbeSend {
  probe: ProbeConfig;
  query: string;
  apiKey: string | undefined;
  text: TextCanary | undefined;
  audio: AudioCanary | undefined;
}

export interface ProbeReply {
  /** Method and path without the query (the query may carry a canary in a user's config). */
  request: string;
  status: number;
  zeroRetention: string | null;
  cacheControl: string | null;
  body: Buffer;
  json: unknown;
}

export function headerValue(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The probe's flag query plus the text canary when the probe puts it in the URL. */
export function queryOf(send: ProbeSend): string {
  const param = send.probe.textQueryParam;
  if (param === undefined || send.text === undefined) return send.query;
  const text = `${encodeURIComponent(param)}=${encodeURIComponent(send.text.value)}`;
  return send.query === '' ? text : `${send.query}&${text}`;
}
