import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createTextCanary, resolveAuditConfig } from '@zrm/testing';
import { planRequests } from '../src/audit/plan.js';
import { sendProbe } from '../src/audit/send-probe.js';
import type { ProbeConfig } from '../src/audit/types.js';

const agent: ProbeConfig = {
  name: 'agent',
  path: '/v1/convai/conversation?agent_id=a1',
  body: 'websocket',
  messages: [{ type: 'user_message', text: '{{text}}' }],
  closeOn: { type: 'agent_response' },
  forcedZeroRetention: true,
};

const live: ProbeConfig = {
  name: 'live',
  path: '/live',
  body: 'websocket',
  messages: [{ audio_base_64: '{{audio_base64}}', previous_text: '{{text}}' }],
  closeOn: { message_type: 'committed_transcript' },
};

describe('probe options for agent and realtime websockets', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    const server = wss;
    wss = undefined;
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  });

  /** A websocket server on loopback: answers each message with `answers`, never closes first. */
  async function serve(
    answers: unknown[],
  ): Promise<{ url: string; received: string[]; closed: Promise<number> }> {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const received: string[] = [];
    const closed = new Promise<number>((resolve) =>
      wss!.on('connection', (socket: WebSocket) => {
        socket.on('message', (data: Buffer) => {
          received.push(data.toString('utf8'));
          for (const answer of answers) socket.send(JSON.stringify(answer));
        });
        socket.on('close', (code: number) => resolve(code));
      }),
    );
    return { url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, received, closed };
  }

  it('plans the request without the flag to a forced probe as a ZRM request', () => {
    const config = resolveAuditConfig({ probes: [agent], flagRows: [] }, { baseUrl: 'http://x' });
    const { requests } = planRequests(config);
    expect(requests.map((r) => [r.label, r.mode, r.query])).toEqual([
      ['agent-forced', 'zrm', ''],
      ['agent-zrm', 'zrm', 'enable_logging=false'],
    ]);
  });

  it('gives a websocket probe an audio canary when a message asks for {{audio_base64}}', () => {
    const config = resolveAuditConfig(
      { probes: [live, agent], flagRows: [] },
      { baseUrl: 'http://x' },
    );
    const { requests } = planRequests(config);
    expect(Object.fromEntries(requests.map((r) => [r.label, r.audio !== undefined]))).toEqual({
      'live-ordinary': true,
      'live-zrm': true,
      'live-closing': true,
      'agent-forced': false,
      'agent-zrm': false,
    });
  });

  it('refuses a closeOn that is not an object and a forcedZeroRetention that is not a boolean', () => {
    for (const bad of [{ closeOn: 'agent_response' }, { forcedZeroRetention: 'yes' }]) {
      expect(() =>
        resolveAuditConfig(
          { probes: [{ ...agent, ...bad }], flagRows: [] },
          { baseUrl: 'http://x' },
        ),
      ).toThrow(/probes\[0\]/);
    }
  });

  it('sends the audio canary base64 in place of {{audio_base64}} and closes on the closeOn message', async () => {
    const server = await serve([
      { message_type: 'partial_transcript', text: 'par' },
      { message_type: 'committed_transcript', text: 'done' },
    ]);
    const config = resolveAuditConfig({ probes: [live], flagRows: [] }, { baseUrl: server.url });
    const [request] = planRequests(config).requests;
    const reply = await sendProbe(config, {
      probe: live,
      query: '',
      apiKey: undefined,
      text: request!.text,
      audio: request!.audio,
    });
    const sent = JSON.parse(server.received[0]!) as Record<string, string>;
    expect(
      Buffer.from(sent.audio_base_64!, 'base64').equals(Buffer.from(request!.audio!.bytes)),
    ).toBe(true);
    expect(sent.previous_text).toBe(request!.text!.value);
    // a clean close (1000) comes from the probe; its timeout would terminate the socket instead
    expect(await server.closed).toBe(1000);
    expect(reply.status).toBe(101);
    expect(reply.body.toString('utf8')).toContain('committed_transcript');
  });

  it('keeps closing on isFinal when a websocket probe names no closeOn', async () => {
    const server = await serve([{ audio: 'AAAA' }, { isFinal: true }]);
    const probe: ProbeConfig = {
      name: 'tts-ws',
      path: '/tts',
      body: 'websocket',
      messages: [{ text: '{{text}}' }],
    };
    const config = resolveAuditConfig({ probes: [probe], flagRows: [] }, { baseUrl: server.url });
    const text = createTextCanary('tts');
    await sendProbe(config, { probe, query: '', apiKey: undefined, text, audio: undefined });
    expect(JSON.parse(server.received[0]!)).toEqual({ text: text.value });
    expect(await server.closed).toBe(1000);
  });
});
