import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { defaultAuditConfig, FLAG_TABLE_ROWS, resolveAuditConfig } from '@zrm/testing';
import { sendProbe } from '../src/audit/send-probe.js';
import type { ProbeConfig } from '../src/audit/types.js';
import { VOICE_CONFIG } from './fixtures/voice-probes.js';

const url = { baseUrl: 'http://127.0.0.1:3000' };
const probe: ProbeConfig = { name: 'echo', path: '/echo', body: 'json', textField: 'text' };

describe('zrm-audit config: generic defaults', () => {
  it('has no probes of its own: an audit without any is a usage error naming the key', () => {
    expect(defaultAuditConfig().probes).toEqual([]);
    for (const file of [undefined, {}, { probes: [] }]) {
      expect(() => resolveAuditConfig(file, url)).toThrow(
        expect.objectContaining({
          name: 'AuditError',
          code: 'usage',
          param: 'probes',
          message: expect.stringContaining(
            'the config key "probes" must list at least one endpoint',
          ),
        }),
      );
    }
  });

  it('sends the flag rows to the first probe not forced into ZRM unless flagProbe names another', () => {
    const second: ProbeConfig = { ...probe, name: 'second', path: '/second' };
    const first = resolveAuditConfig({ probes: [probe, second] }, url);
    expect(first.flagProbe).toBe('echo');
    expect(first.flagRows).toEqual(FLAG_TABLE_ROWS);
    expect(
      resolveAuditConfig({ probes: [probe, second], flagProbe: 'second' }, url).flagProbe,
    ).toBe('second');
    // a probe forced into ZRM cannot answer the ordinary rows: the default skips it
    const forced: ProbeConfig = { ...probe, name: 'forced', forcedZeroRetention: true };
    expect(resolveAuditConfig({ probes: [forced, probe] }, url).flagProbe).toBe('echo');
    expect(() => resolveAuditConfig({ probes: [probe], flagProbe: 'nope' }, url)).toThrow(
      /"flagProbe" must name a probe of the matrix/,
    );
  });

  it('reads no history API and fills no path parameter unless configured', () => {
    const config = resolveAuditConfig({ probes: [probe] }, url);
    expect(config.historyApi).toBe(false);
    expect(config.params).toEqual({});
    expect(() =>
      resolveAuditConfig({ probes: [{ ...probe, path: '/items/{item}' }] }, url),
    ).toThrow(expect.objectContaining({ code: 'config_invalid', param: 'params.item' }));
  });

  it('takes a history API given in full, fills maxItems, and names the first missing part of one', () => {
    const { historyApi } = VOICE_CONFIG;
    expect(resolveAuditConfig({ probes: [probe], historyApi }, url).historyApi).toEqual(historyApi);
    const { maxItems: _, ...withoutMax } = historyApi;
    expect(resolveAuditConfig({ probes: [probe], historyApi: withoutMax }, url).historyApi).toEqual(
      { ...withoutMax, maxItems: 200 },
    );
    for (const [patch, param] of [
      [{ listPath: 'history' }, 'historyApi.listPath'],
      [{ idKey: '' }, 'historyApi.idKey'],
      [{ itemPaths: ['{id}'] }, 'historyApi.itemPaths'],
      [{ maxItems: 0 }, 'historyApi.maxItems'],
    ] as const) {
      expect(() =>
        resolveAuditConfig({ probes: [probe], historyApi: { ...historyApi, ...patch } }, url),
      ).toThrow(expect.objectContaining({ code: 'config_invalid', param }));
    }
    expect(() =>
      resolveAuditConfig({ probes: [probe], historyApi: { itemPaths: ['/h/{id}'] } }, url),
    ).toThrow(expect.objectContaining({ param: 'historyApi.listPath' }));
  });

  it('refuses an API key scheme that is not one word', () => {
    expect(() => resolveAuditConfig({ probes: [probe], apiKeyScheme: 'Bearer x' }, url)).toThrow(
      expect.objectContaining({ code: 'config_invalid', param: 'apiKeyScheme' }),
    );
  });
});

describe('zrm-audit config: the API key on a real server', () => {
  /** One probe request to a loopback HTTP server; the headers it received. */
  async function headersSent(file: Record<string, unknown>, apiKey: string | undefined) {
    const received: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      received.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const config = resolveAuditConfig({ probes: [probe], ...file }, { baseUrl });
      const reply = await sendProbe(config, {
        probe,
        query: '',
        apiKey,
        text: undefined,
        audio: undefined,
      });
      expect(reply.status).toBe(200);
      return received[0]!;
    } finally {
      server.close();
    }
  }

  it('sends it as Authorization: Bearer by default, bare in a header of the config, and none without a key', async () => {
    expect((await headersSent({}, 'key-123')).authorization).toBe('Bearer key-123');
    const bare = await headersSent({ apiKeyHeader: 'x-api-key', apiKeyScheme: '' }, 'key-456');
    expect(bare['x-api-key']).toBe('key-456');
    expect(bare.authorization).toBeUndefined();
    const none = await headersSent({}, undefined);
    expect(none.authorization).toBeUndefined();
  });
});

describe('zrm-audit config: which sinks are asked for', () => {
  const voice = { ...VOICE_CONFIG, probes: [...VOICE_CONFIG.probes] };

  it('asks for traces only by default, and waits up to 15 s for the evidence, then 1 s', () => {
    const config = resolveAuditConfig(voice, url);
    expect(config.otlp).toEqual({ host: '127.0.0.1', port: 4318, signals: ['traces'] });
    expect(config.waitMs).toBe(15_000);
    expect(config.settleMs).toBe(1000);
    expect(config.expectOrdinary).toMatchObject({ metrics: 'bytes', temp: 'none' });
  });

  it('keeps the meaning of a config written before otlp.signals: the signals its expectOrdinary names', () => {
    const old = resolveAuditConfig(
      { ...voice, expectOrdinary: { otlpLogs: 'any', metrics: 'none' } },
      url,
    );
    expect(old.otlp !== false && old.otlp.signals).toEqual(['traces', 'logs']);
    const listed = resolveAuditConfig(
      { ...voice, otlp: { signals: ['traces'] }, expectOrdinary: { otlpLogs: 'any' } },
      { ...url, otlp: { port: 0 } },
    );
    expect(listed.otlp).toEqual({ host: '127.0.0.1', port: 0, signals: ['traces'] });
  });

  it('accepts a list of probe names as an expectation, and refuses one that names no probe', () => {
    const config = resolveAuditConfig(
      { ...voice, expectOrdinary: { traces: ['tts', 'tts-ws'] } },
      url,
    );
    expect(config.expectOrdinary.traces).toEqual(['tts', 'tts-ws']);
    expect(() => resolveAuditConfig({ ...voice, expectOrdinary: { traces: [] } }, url)).toThrow(
      /expectOrdinary\.traces must be any, all, bytes, none or a list of probe names/,
    );
    expect(() =>
      resolveAuditConfig({ ...voice, otlp: { signals: ['traces', 'traces'] } }, url),
    ).toThrow(/otlp\.signals/);
  });
});
