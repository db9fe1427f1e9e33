import { sendHttp } from './send-http.js';
import { sendWebSocket } from './send-websocket.js';
import type { ProbeReply, ProbeSend } from './probe-reply.js';
import type { AuditConfig } from './types.js';

export type { ProbeReply, ProbeSend } from './probe-reply.js';

/** Sends one probe request; network failures come back as status 0. */
export async function sendProbe(config: AuditConfig, send: ProbeSend): Promise<ProbeReply> {
  try {
    return send.probe.body === 'websocket'
      ? await sendWebSocket(config, send)
      : await sendHttp(config, send);
  } catch {
    return {
      request: `${send.probe.body === 'websocket' ? 'WS' : (send.probe.method ?? 'POST')} ${send.probe.path}`,
      status: 0,
      zeroRetention: null,
      cacheControl: null,
      body: Buffer.alloc(0),
      json: undefined,
    };
  }
}
