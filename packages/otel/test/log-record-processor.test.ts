import { context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { ZeroRetentionLogRecordProcessor, type ZrmOtelError } from '@zrm/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  SeverityNumber,
  type ReadableLogRecord,
} from './support/otel-sdk.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { createLogging } from './support/logging.js';
import { createTracing, useContextManager } from './support/tracing.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  useContextManager();
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

const view = (r: ReadableLogRecord) => ({
  body: r.body,
  attributes: r.attributes,
  eventName: r.eventName,
});

describe('ZeroRetentionLogRecordProcessor', () => {
  it('exports no canary from the attributes, GenAI event body or exception of a ZRM log record', () => {
    const { logger, records } = createLogging();
    const c = {
      prompt: canary('prompt'),
      completion: canary('completion'),
      err: canary('err'),
      text: canary('text'),
    };
    runWithScope({ zeroRetention: true }, () => {
      logger.emit({
        severityNumber: SeverityNumber.INFO,
        body: 'synthesis finished',
        attributes: { text: c.text, 'http.route': '/v1/tts', 'gen_ai.prompt': c.prompt },
      });
      logger.emit({
        eventName: 'gen_ai.choice',
        body: { index: 0, message: { role: 'assistant', content: c.completion } },
        attributes: { 'gen_ai.system': 'openai' },
      });
      logger.emit({ body: 'failed', exception: new Error(`bad input ${c.err}`) });
    });
    const out = records().map(view);
    expect(findCanaries(dump(out), Object.values(c))).toEqual([]);
    expect(out[0]).toEqual({
      body: 'synthesis finished',
      attributes: {
        text: '[REDACTED]',
        'http.route': '/v1/tts',
        'gen_ai.prompt': '[REDACTED]',
        'zrm.zero_retention': true,
      },
      eventName: undefined,
    });
    expect(out[1]!.body).toBe('[REDACTED]');
    expect(out[1]!.attributes['gen_ai.system']).toBe('openai');
  });

  it('removes registered content from the message string of a ZRM record and keeps the rest', () => {
    const { logger, records } = createLogging();
    const secret = canary('message');
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(secret);
      logger.emit({ body: `synthesizing "${secret}" now` });
    });
    expect(records()[0]!.body).toBe('synthesizing "[REDACTED]" now');
  });

  it('redacts a record emitted outside the scope in a trace marked ZRM (pino line after the response)', () => {
    const { logger, records } = createLogging();
    const tracing = createTracing();
    const secret = canary('trace');
    const span = tracing.tracer.startSpan('request');
    const ctx = trace.setSpan(context.active(), span);
    context.with(ctx, () => createScope({ zeroRetention: true })).end();
    context.with(ctx, () => logger.emit({ body: 'done', attributes: { transcript: secret } }));
    span.end();
    expect(findCanaries(dump(records().map(view)), [secret])).toEqual([]);
  });

  it('removes registered content of an in-flight ZRM request from a record emitted after context was lost', () => {
    const { logger, records } = createLogging();
    const secret = canary('lost-log');
    const scope = createScope({ zeroRetention: true });
    scope.run(() => markSensitive(secret));
    // no scope current: an emitter callback or a pool created at start-up
    logger.emit({
      body: `late ${secret}`,
      attributes: { detail: { note: `saw ${secret}` }, count: 1 },
    });
    scope.end();
    expect(findCanaries(dump(records().map(view)), [secret])).toEqual([]);
    expect(records()[0]!.attributes.count).toBe(1);
  });

  it('keeps every attribute and the body of an ordinary record', () => {
    const { logger, records } = createLogging();
    const c = { prompt: canary('ord-prompt'), body: canary('ord-body') };
    runWithScope({ zeroRetention: false }, () => {
      logger.emit({ body: c.body, attributes: { 'gen_ai.prompt': c.prompt } });
    });
    expect(records()[0]!.body).toBe(c.body);
    expect(records()[0]!.attributes['gen_ai.prompt']).toBe(c.prompt);
    expect(records()[0]!.attributes['zrm.zero_retention']).toBeUndefined();
  });

  it('drops a ZRM record whose body cannot be replaced and reports a content-free error', () => {
    const errors: ZrmOtelError[] = [];
    const exported: unknown[] = [];
    const secret = canary('frozen');
    const processor = new ZeroRetentionLogRecordProcessor(
      {
        onEmit: (r) => exported.push(r),
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      },
      { onError: (e) => errors.push(e) },
    );
    // a read-only record (as after onEmit): setters do nothing
    const record = {
      body: { transcript: secret },
      attributes: {},
      setAttribute: () => record,
      setBody: () => record,
    };
    runWithScope({ zeroRetention: true }, () => processor.onEmit(record));
    expect(exported).toEqual([]);
    expect(errors).toEqual([
      { where: 'log-record-processor', action: 'dropped', errorType: 'Error' },
    ]);
  });

  it('sends no canary over the wire through the real OTLP/HTTP log exporter; ordinary records arrive', async () => {
    const otlp = new OTLPLogExporter({ url: `${receiver.url}/v1/logs` });
    const provider = new LoggerProvider({
      processors: [
        new ZeroRetentionLogRecordProcessor(new BatchLogRecordProcessor({ exporter: otlp })),
      ],
    });
    const logger = provider.getLogger('wire');
    const zrm = canary('log-zrm');
    const ordinary = canary('log-ordinary');
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(zrm);
      logger.emit({ body: `said ${zrm}`, attributes: { 'gen_ai.input.messages': zrm, text: zrm } });
    });
    runWithScope({ zeroRetention: false }, () => {
      logger.emit({ body: `said ${ordinary}`, attributes: { 'gen_ai.input.messages': ordinary } });
    });
    await provider.forceFlush();
    await provider.shutdown();
    const wire = receiver.received('/v1/logs');
    expect(wire).toContain('said [REDACTED]');
    expect(findCanaries(wire, [zrm, ordinary])).toEqual([ordinary]);
  });
});
