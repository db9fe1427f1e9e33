import { describe, expect, it } from 'vitest';
import { resolveAuditConfig } from '@zrm/testing';

const url = { baseUrl: 'http://127.0.0.1:3000' };

describe('zrm-audit config: which sinks are asked for', () => {
  it('asks for traces only by default, and waits up to 15 s for the evidence, then 1 s', () => {
    const config = resolveAuditConfig(undefined, url);
    expect(config.otlp).toEqual({ host: '127.0.0.1', port: 4318, signals: ['traces'] });
    expect(config.waitMs).toBe(15_000);
    expect(config.settleMs).toBe(1000);
    expect(config.expectOrdinary).toMatchObject({ metrics: 'bytes', temp: 'none' });
  });

  it('keeps the meaning of a config written before otlp.signals: the signals its expectOrdinary names', () => {
    const old = resolveAuditConfig({ expectOrdinary: { otlpLogs: 'any', metrics: 'none' } }, url);
    expect(old.otlp !== false && old.otlp.signals).toEqual(['traces', 'logs']);
    const listed = resolveAuditConfig(
      { otlp: { signals: ['traces'] }, expectOrdinary: { otlpLogs: 'any' } },
      { ...url, otlp: { port: 0 } },
    );
    expect(listed.otlp).toEqual({ host: '127.0.0.1', port: 0, signals: ['traces'] });
  });

  it('accepts a list of probe names as an expectation, and refuses one that names no probe', () => {
    const config = resolveAuditConfig({ expectOrdinary: { traces: ['tts', 'tts-ws'] } }, url);
    expect(config.expectOrdinary.traces).toEqual(['tts', 'tts-ws']);
    expect(() => resolveAuditConfig({ expectOrdinary: { traces: [] } }, url)).toThrow(
      /expectOrdinary\.traces must be any, all, bytes, none or a list of probe names/,
    );
    expect(() => resolveAuditConfig({ otlp: { signals: ['traces', 'traces'] } }, url)).toThrow(
      /otlp\.signals/,
    );
  });
});
