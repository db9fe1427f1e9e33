import WebSocket from 'ws';
import { apiKeyHeaders, fillTemplate, probeUrl } from './probe-url.js';
import { headerValue, parseJson, queryOf } from './probe-reply.js';
import type { ProbeReply, ProbeSend } from './probe-reply.js';
import type { AuditConfig } from './types.js';

/** One websocket probe: sends the messages, collects answers until the server closes, `closeOn` (`isFinal`) or the timeout. */
export function sendWebSocket(config: AuditConfig, send: ProbeSend): Promise<ProbeReply> {
  const url = probeUrl(config.baseUrl, send.probe.path, config.params, queryOf(send));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const headers = apiKeyHeaders(config, send.apiKey);
  const text = send.text?.value ?? '';
  const audio = send.audio === undefined ? '' : Buffer.from(send.audio.bytes).toString('base64');
  const messages = (send.probe.messages ?? []).map((m) =>
    JSON.stringify(fillTemplate(m, text, audio)),
  );
  const closeOn = Object.entries(send.probe.closeOn ?? { isFinal: true });
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const reply: ProbeReply = {
      request: `WS ${url.pathname}`,
      status: 0,
      zeroRetention: null,
      cacheControl: null,
      body: Buffer.alloc(0),
      json: undefined,
    };
    const socket = new WebSocket(url, { headers, handshakeTimeout: config.timeoutMs });
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reply.body = Buffer.concat(received);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.terminate();
      resolve(reply);
    };
    const timer = setTimeout(finish, config.timeoutMs);
    socket.on('upgrade', (res) => {
      reply.status = res.statusCode ?? 101;
      reply.zeroRetention = headerValue(res.headers['zero-retention']);
      reply.cacheControl = headerValue(res.headers['cache-control']);
    });
    socket.on('unexpected-response', (_req, res) => {
      reply.status = res.statusCode ?? 0;
      reply.zeroRetention = headerValue(res.headers['zero-retention']);
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        received.push(Buffer.concat(parts));
        reply.json = parseJson(Buffer.concat(parts));
        finish();
      });
      res.on('error', finish);
    });
    socket.on('open', () => {
      for (const message of messages) socket.send(message);
    });
    socket.on('message', (data: Buffer) => {
      received.push(Buffer.from(data));
      const json = parseJson(Buffer.from(data));
      if (
        typeof json === 'object' &&
        json !== null &&
        closeOn.every(([key, value]) => (json as Record<string, unknown>)[key] === value)
      ) {
        socket.close(1000);
      }
    });
    socket.on('close', finish);
    socket.on('error', finish);
  });
}
