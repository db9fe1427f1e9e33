import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canarySession } from './support/sdk-sessions.js';
import {
  REALTIME_SINKS,
  found,
  startMonitoredService,
  type MonitoredService,
} from './support/service.js';

/**
 * Positive control of `realtime-stt.test.ts`: the same `enableLogging: false`
 * session on the service built without zrm (`leaky`) reaches the sinks — its
 * transcript the log, the traces and history, its context text the log, its
 * audio history.
 */
describe('realtime speech-to-text without zrm (the leaky build, positive control)', () => {
  let service: MonitoredService;

  beforeAll(async () => {
    service = await startMonitoredService(true);
  });
  afterAll(async () => service?.close());

  it('an enableLogging: false session reaches every sink an ordinary one reaches', async () => {
    const { spoken, context, audio, result } = await canarySession(service.client(), false);
    expect(result.config.enable_logging).toBe(false);
    expect(await service.missing(spoken, REALTIME_SINKS)).toEqual([]);
    const sinks = await service.sinks();
    expect(found(sinks['log file']!, context)).toBe(true);
    expect(found(sinks['history tables']!, audio)).toBe(true);
  });
});
