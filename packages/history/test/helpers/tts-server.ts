import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { markSensitive, resolveZeroRetention, type Policy, type ZrmScope } from '@zrm/core';
import { createScope, queryValues, registerContent } from '@zrm/core/adapter';
import type { HistoryItem } from '@zrm/history';
import type { WriteBehind } from './write-behind.js';

/** What a client sends to `POST /v1/tts`. */
export interface TtsBody {
  owner: string;
  text: string;
  /** A prompt carried into the item's metadata. */
  prompt: string;
  /** Audio the client uploads, base64 (its request registers this string, as an adapter does). */
  audio: string;
}

/** The four history items a request makes: its text, its prompt in nested metadata, the upload and the synthesized speech. */
export function itemsOf(body: TtsBody, requestId: string, speech: Buffer): HistoryItem[] {
  const { owner } = body;
  return [
    { owner, requestId, text: body.text, voiceId: 'voice-1', modelId: 'model-1' },
    {
      owner,
      requestId,
      metadata: {
        voice_settings: { stability: 0.4 },
        turns: [{ role: 'user', note: body.prompt }],
      },
    },
    { owner, requestId, audio: Buffer.from(body.audio, 'base64') },
    { owner, requestId, audio: speech },
  ];
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  req.setEncoding('utf8');
  for await (const chunk of req) body += chunk as string;
  return body;
}

export interface TtsServer {
  port: number;
  /** Every request's scope by request id, kept so that none is released early by being collected. */
  scopes: Map<string, ZrmScope>;
  close(): void;
}

/**
 * A text-to-speech service on loopback that queues its history items in a
 * write-behind buffer. `POST /v1/tts?enable_logging=…&timer=1&wait=0`: the
 * request's `add` starts the buffer's timer (`timer=1`) and the response does
 * not wait for the write (`wait=0`); the scope ends once the response is sent.
 * `POST /flush` flushes the buffer from an ordinary request's scope.
 */
export async function startTtsServer(buffer: WriteBehind, policy: Policy): Promise<TtsServer> {
  const scopes = new Map<string, ZrmScope>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const requestId = req.headers['x-request-id'] as string;
      const zeroRetention = resolveZeroRetention(
        { enableLogging: queryValues(req.url!, 'enable_logging') },
        policy,
      ).zeroRetention;
      const scope = createScope({ zeroRetention, requestId, policy });
      scopes.set(requestId, scope);
      const reply = await scope.run(async () => {
        if (req.url === '/flush') {
          await buffer.flush();
          return {};
        }
        const body = JSON.parse(await readBody(req)) as TtsBody;
        registerContent(body, scope);
        const speech = Buffer.concat([Buffer.from('RIFF'), randomBytes(6_000)]);
        markSensitive(speech);
        const timer = queryValues(req.url!, 'timer')[0] === '1';
        const writes = itemsOf(body, requestId, speech).map((item) =>
          buffer.add(item, { startTimer: timer }),
        );
        const ids = queryValues(req.url!, 'wait')[0] === '0' ? [] : await Promise.all(writes);
        return { speech: speech.toString('base64'), ids: ids.map((id) => id ?? null) };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      scope.end();
    })().catch(() => res.writeHead(500).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    scopes,
    close() {
      server.close();
      server.closeAllConnections();
    },
  };
}
