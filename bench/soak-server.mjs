#!/usr/bin/env node
/* global process, console, setImmediate */
// The process under soak: the example voice API (pino + OpenTelemetry SDK +
// history, every zrm adapter) plus an IPC channel the driver uses to sample
// the heap after GC, read the taint registry and write a heap snapshot.
// Started by bench/soak-lib.mjs as `node --expose-gc bench/soak-server.mjs`.
import { writeHeapSnapshot } from 'node:v8';
import { inFlightTaintCount } from '../packages/core/dist/adapter.js';
import { startVoiceApi } from '../examples/voice-api/dist/index.js';

if (typeof globalThis.gc !== 'function' || typeof process.send !== 'function') {
  console.error('soak-server: run with --expose-gc and an IPC channel (see bench/soak-lib.mjs)');
  process.exit(2);
}
const gc = globalThis.gc;
const [framework = 'express', logFile, otlpUrl, historyDir] = process.argv.slice(2);

// Strings the driver hands over on purpose, kept alive: the positive control
// that proves the heap-snapshot search finds a retained string.
const controls = [];

/** Several full collections, letting finalizers and timers of the previous turn run in between. */
async function collect() {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// history on disk, as a deployed service keeps it: ordinary rows (≈ 25 KB of audio each) are not process memory
const api = await startVoiceApi({ framework, port: 0, logFile, otlpUrl, historyDir });

process.on('message', (message) => {
  void handle(message).then(
    (reply) => process.send({ id: message.id, ...reply }),
    (error) => process.send({ id: message.id, error: String(error?.message ?? error) }),
  );
});

async function handle(message) {
  switch (message.cmd) {
    case 'sample': {
      await collect();
      const m = process.memoryUsage();
      return {
        heapUsed: m.heapUsed,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        rss: m.rss,
        taint: inFlightTaintCount(),
        cpuMicros: process.cpuUsage().user + process.cpuUsage().system,
      };
    }
    case 'taint':
      return { taint: inFlightTaintCount() };
    case 'control':
      controls.push(message.value);
      return {};
    case 'snapshot':
      await collect();
      return { file: writeHeapSnapshot(message.file) };
    case 'close':
      await api.close();
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw new Error('unknown command');
  }
}

process.send({ ready: true, url: api.url, pid: process.pid });
