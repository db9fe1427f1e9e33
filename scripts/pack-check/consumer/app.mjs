// A real app built from the installed tarballs: express + pino with @zrm/express
// and @zrm/pino as the README wires them, spans through @zrm/otel's processor
// and exporter wrapper into an in-process SDK. One ZRM and one ordinary
// request with canaries on loopback, and the same ZRM request to an app
// without zrm as the positive control. Prints one JSON line: { problems }.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import express from 'express';
import pino from 'pino';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import { ZeroRetentionSpanExporter, ZeroRetentionSpanProcessor } from '@zrm/otel';
import { withZeroRetention } from '@zrm/pino';
import { createCanary, findCanaries } from '@zrm/testing';

const dir = mkdtempSync(join(tmpdir(), 'zrm-consumer-app-'));
const problems = [];
const expect = (ok, problem) => {
  if (!ok) problems.push(problem);
};

function startApp(withZrm) {
  const logFile = join(dir, withZrm ? 'zrm.log' : 'plain.log');
  const options = { level: 'info' };
  const logger = pino(
    withZrm ? withZeroRetention(options) : options,
    pino.destination({ dest: logFile, sync: true }),
  );
  const processorExporter = new InMemorySpanExporter();
  const wrappedExporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: withZrm
      ? [
          new ZeroRetentionSpanProcessor(new SimpleSpanProcessor(processorExporter)),
          new SimpleSpanProcessor(new ZeroRetentionSpanExporter(wrappedExporter)),
        ]
      : [new SimpleSpanProcessor(processorExporter)],
  });
  const tracer = provider.getTracer('consumer-app');
  const app = express();
  if (withZrm) app.use(zeroRetention({ entitled: () => true }));
  app.post('/v1/speak', express.json(), (req, res) => {
    const { text } = req.body;
    const span = tracer.startSpan('speak', { attributes: { 'app.text': text } });
    span.addEvent('synthesized', { detail: text });
    logger.info({ text, chars: text.length }, 'speak request');
    logger.info(`speaking: ${text}`);
    span.end();
    res.json({ chars: text.length });
  });
  if (withZrm) app.use(zeroRetentionErrorHandler());
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        logFile,
        exporters: withZrm
          ? { processor: processorExporter, 'exporter wrapper': wrappedExporter }
          : { plain: processorExporter },
        provider,
        close: () => new Promise((done) => server.close(done)),
      }),
    );
  });
}

async function speak(app, text, zrm) {
  const response = await fetch(`${app.url}/v1/speak${zrm ? '?enable_logging=false' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  await response.arrayBuffer();
  return response;
}

const spansText = (exporter) =>
  JSON.stringify(
    exporter.getFinishedSpans().map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
      status: span.status,
    })),
  );

const zrmCanary = createCanary({ label: 'zrm' });
const ordinaryCanary = createCanary({ label: 'ordinary' });
const protectedApp = await startApp(true);
const controlApp = await startApp(false);
try {
  const zrm = await speak(protectedApp, zrmCanary.value, true);
  expect(zrm.status === 200, `ZRM request answered ${zrm.status}`);
  expect(zrm.headers.get('zero-retention') === 'enforced', 'ZRM response lacks Zero-Retention');
  const ordinary = await speak(protectedApp, ordinaryCanary.value, false);
  expect(ordinary.status === 200, `ordinary request answered ${ordinary.status}`);
  expect(ordinary.headers.get('zero-retention') === null, 'ordinary response is marked ZRM');
  const control = await speak(controlApp, zrmCanary.value, true);
  expect(control.status === 200, `control request answered ${control.status}`);
  await Promise.all([protectedApp.provider.forceFlush(), controlApp.provider.forceFlush()]);

  const zrmLog = readFileSync(protectedApp.logFile);
  expect(zrmLog.length > 0, 'the zrm app wrote no log line');
  expect(findCanaries(zrmLog, zrmCanary).length === 0, 'ZRM canary found in the zrm log file');
  expect(findCanaries(zrmLog, ordinaryCanary).length > 0, 'ordinary canary missing from the log');
  for (const [name, exporter] of Object.entries(protectedApp.exporters)) {
    const spans = spansText(exporter);
    expect(exporter.getFinishedSpans().length === 2, `${name}: not 2 spans exported`);
    expect(findCanaries(spans, zrmCanary).length === 0, `${name}: ZRM canary found in spans`);
    expect(findCanaries(spans, ordinaryCanary).length > 0, `${name}: ordinary canary missing`);
  }
  const controlLog = readFileSync(controlApp.logFile);
  expect(findCanaries(controlLog, zrmCanary).length > 0, 'control: log lacks the ZRM canary');
  const controlSpans = spansText(controlApp.exporters.plain);
  expect(findCanaries(controlSpans, zrmCanary).length > 0, 'control: spans lack the ZRM canary');
} finally {
  await Promise.all([protectedApp.close(), controlApp.close()]);
  await Promise.all([protectedApp.provider.shutdown(), controlApp.provider.shutdown()]);
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ problems }));
