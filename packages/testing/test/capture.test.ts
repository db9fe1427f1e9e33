import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  captureLogRecords,
  capturePino,
  captureSpans,
  createAudioCanary,
  createTextCanary,
  findCanaries,
  readDirectory,
  readFileFrom,
} from '@zrm/testing';
import { makeWorkspace } from './fixtures/workspace.js';
import type { Workspace } from './fixtures/workspace.js';

describe('capturePino', () => {
  it('keeps every byte real pino wrote: an ordinary canary in a message, a binding and an error is found', () => {
    const canary = createTextCanary('pino');
    const sink = capturePino();
    const logger = pino({ base: null }, sink).child({ prompt: canary.value });
    logger.info({ err: new Error(`failed on ${canary.value}`) }, 'tts %s', canary.value);
    expect(sink.lines()).toHaveLength(1);
    expect(findCanaries(sink, canary).map((h) => h.form)).toEqual(['json-escaped']);
    expect(sink.text()).toContain('"msg":"tts ');
  });

  it('shows no canary once pino redacts the field that held it', () => {
    const canary = createTextCanary('redacted');
    const sink = capturePino();
    pino({ base: null, redact: ['text'] }, sink).info(
      { text: canary.value, chars: canary.value.length },
      'tts',
    );
    expect(sink.lines()).toEqual([expect.objectContaining({ text: '[Redacted]', msg: 'tts' })]);
    expect(findCanaries(sink, canary)).toEqual([]);
    sink.clear();
    expect(sink.text()).toBe('');
  });
});

describe('captureSpans', () => {
  it('is a working SpanExporter for the real SDK and keeps names, attributes, events and status', async () => {
    const inName = createTextCanary('span-name');
    const inAttr = createTextCanary('span-attr');
    const inEvent = createTextCanary('span-event');
    const inStatus = createTextCanary('span-status');
    const sink = captureSpans();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sink)] });
    const span = provider
      .getTracer('t')
      .startSpan(`tts ${inName.value}`, { attributes: { 'voice.text': inAttr.value } });
    span.addEvent('gen_ai.prompt', { content: inEvent.value });
    span.setStatus({ code: 2, message: inStatus.value });
    span.end();
    await provider.forceFlush();
    expect(sink.items).toHaveLength(1);
    expect(sink.items[0]).toMatchObject({ attributes: { 'voice.text': inAttr.value } });
    const found = findCanaries(sink, [inName, inAttr, inEvent, inStatus]).map((h) => h.label);
    expect(found.sort()).toEqual(['span-attr', 'span-event', 'span-name', 'span-status']);
    await provider.shutdown();
  });

  it('finds nothing in spans that carry only metadata', async () => {
    const canary = createTextCanary('absent');
    const sink = captureSpans();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sink)] });
    provider
      .getTracer('t')
      .startSpan('tts', { attributes: { 'text.length': canary.value.length } })
      .end();
    await provider.forceFlush();
    expect(sink.items).toHaveLength(1);
    expect(findCanaries(sink, canary)).toEqual([]);
    await provider.shutdown();
  });
});

describe('captureLogRecords', () => {
  it('keeps body, attributes and event name of exported records and reports success', async () => {
    // @opentelemetry/sdk-logs is not a dependency of this package: a record shaped like the SDK's ReadableLogRecord
    const canary = createTextCanary('log-record');
    const sink = captureLogRecords();
    const results: number[] = [];
    sink.export(
      [
        {
          body: canary.value,
          attributes: { n: 1 },
          eventName: 'gen_ai.prompt',
          severityText: 'INFO',
        },
      ],
      (r) => results.push(r.code),
    );
    expect(results).toEqual([0]);
    expect(findCanaries(sink, canary)).toHaveLength(1);
    await sink.shutdown();
    sink.export([{ body: 'late' }], (r) => results.push(r.code));
    expect(results).toEqual([0, 1]);
  });
});

describe('readDirectory and readFileFrom', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
  });
  afterEach(() => ws.remove());

  it('finds an audio canary in a nested upload file and skips files older than `since`', async () => {
    const fresh = createAudioCanary('fresh');
    const old = createAudioCanary('old');
    mkdirSync(join(ws.tempDir, 'a', 'b'), { recursive: true });
    writeFileSync(join(ws.tempDir, 'a', 'b', 'upload.wav'), fresh.bytes);
    const oldFile = join(ws.tempDir, 'old.wav');
    writeFileSync(oldFile, old.bytes);
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(oldFile, past, past);
    const sink = await readDirectory(ws.tempDir, { since: Date.now() - 60_000 });
    expect(findCanaries(sink, [fresh, old]).map((h) => [h.label, h.source])).toEqual([
      ['fresh', join(ws.tempDir, 'a', 'b', 'upload.wav')],
    ]);
    expect(findCanaries(await readDirectory(ws.tempDir), old)).toHaveLength(1);
  });

  it('reads a log file from an offset, and whole when it was truncated', async () => {
    const before = createTextCanary('before');
    const after = createTextCanary('after');
    writeFileSync(ws.logFile, `${before.value}\n`);
    const offset = Buffer.byteLength(`${before.value}\n`);
    writeFileSync(ws.logFile, `${before.value}\n${after.value}\n`);
    const tail = await readFileFrom(ws.logFile, offset);
    expect(findCanaries(tail, [before, after]).map((h) => h.label)).toEqual(['after']);
    writeFileSync(ws.logFile, `${before.value}\n`.slice(0, 10));
    const rotated = await readFileFrom(ws.logFile, offset * 2);
    expect(rotated.chunks()).toHaveLength(1);
    expect(findCanaries(await readFileFrom(join(ws.dir, 'missing.log')), before)).toEqual([]);
  });
});
