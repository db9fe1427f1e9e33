import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, findCanaries } from './support/canary.js';
import { SDK_LINE } from './support/otel-sdk.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { buildDist, startService, type ServiceProcess } from './support/service-process.js';

// An express app in its own process, as a user deploys it: the real NodeSDK of the
// tests' SDK line with the http, express and pino instrumentations, exporting spans
// and log records over OTLP/HTTP; once with zrm's processors and once without.
let receiver: OtlpReceiver;
let controlReceiver: OtlpReceiver;
let service: ServiceProcess;
let control: ServiceProcess;

beforeAll(async () => {
  buildDist();
  [receiver, controlReceiver] = await Promise.all([startOtlpReceiver(), startOtlpReceiver()]);
  [service, control] = await Promise.all([
    startService({ SERVICE: 'express', OTLP_URL: receiver.url }),
    startService({ SERVICE: 'express', OTLP_URL: controlReceiver.url, ZRM: 'off' }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([service?.stop(), control?.stop()]);
  await Promise.all([receiver?.close(), controlReceiver?.close()]);
});

const post = async (base: string, query: string, text: string): Promise<unknown> => {
  const res = await fetch(`${base}/tts?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return res.json();
};

/** The OTLP/HTTP bytes one service sent: spans and log records. */
async function wire(
  of: ServiceProcess,
  to: OtlpReceiver,
): Promise<{ traces: string; logs: string }> {
  await of.flush();
  return { traces: to.received('/v1/traces'), logs: to.received('/v1/logs') };
}

describe(`an express service in its own process with NodeSDK (SDK ${SDK_LINE}) and zrm's processors`, () => {
  it('exports no canary of a ZRM request (body, query, GenAI attribute, span event, pino log record) over OTLP/HTTP', async () => {
    const body = canary('xz-body');
    const query = canary('xz-query');
    expect(await post(service.url, `enable_logging=false&text=${query}`, body)).toEqual({
      zeroRetention: true,
    });
    const { traces, logs } = await wire(service, receiver);
    // the child ran this SDK line: instrumentation-http 0.2xx is SDK 2's, 0.3xx SDK 3's
    expect(traces).toContain(
      `"scope":{"name":"@opentelemetry/instrumentation-http","version":"0.${SDK_LINE}`,
    );
    expect(traces).toContain('"scope":{"name":"@opentelemetry/instrumentation-express"');
    expect(traces).toContain('"http.route"');
    expect(logs).toContain('service express got [REDACTED]');
    expect(findCanaries(`${traces}\n${logs}`, [body, query])).toEqual([]);
  });

  it('exports the content of an ordinary request in spans and log records', async () => {
    const body = canary('xo-body');
    expect(await post(service.url, 'enable_logging=true', body)).toEqual({ zeroRetention: false });
    const { traces, logs } = await wire(service, receiver);
    expect(findCanaries(traces, [body])).toEqual([body]);
    expect(findCanaries(logs, [body])).toEqual([body]);
  });

  it("positive control: without zrm's processors the same app exports a ZRM request's canary in spans and log records", async () => {
    const body = canary('xc-body');
    expect(await post(control.url, 'enable_logging=false', body)).toEqual({
      zeroRetention: true,
    });
    const { traces, logs } = await wire(control, controlReceiver);
    expect(findCanaries(traces, [body])).toEqual([body]);
    expect(findCanaries(logs, [body])).toEqual([body]);
  });
});
