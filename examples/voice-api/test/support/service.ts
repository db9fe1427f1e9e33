import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import type { RestrictionEvent } from '@zrm/core';
import {
  createTextCanary,
  findCanaries,
  readDirectory,
  readHistoryTables,
  startOtlpReceiver,
  type Canary,
  type Haystack,
  type OtlpReceiver,
  type TextCanary,
} from '@zrm/testing';
import { startVoiceApi, type Framework, type RunningVoiceApi } from '../../src/index.js';

export const ACME = 'sk_demo_acme_health';
export const HOBBY = 'sk_demo_hobby_studio';

/** The example service on loopback with every sink it writes to, as a test reads them. */
export interface MonitoredService {
  api: RunningVoiceApi;
  receiver: OtlpReceiver;
  /** The service's temp dir (`TMPDIR` of this test process). */
  tempDir: string;
  /** `onRestricted` events: the notifications the account admin got. */
  adminNotices: RestrictionEvent[];
  client(apiKey?: string): ElevenLabsClient;
  /** Every sink by name: the log file, OTLP traces and logs, the history tables, the temp dir. */
  sinks(): Promise<Record<string, Haystack>>;
  /**
   * Waits (a bounded while, for batching exporters) until `canary` reached every named sink;
   * returns the names of those it never reached.
   */
  missing(canary: Canary, names: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts the service in this test process (one per process: the OpenTelemetry
 * SDK is global), its OTLP exporters pointed at a loopback receiver, its temp
 * dir a fresh directory. `leaky` starts the variant without zrm, for positive
 * controls.
 */
export async function startMonitoredService(
  leaky = false,
  framework: Framework = 'express',
): Promise<MonitoredService> {
  const work = mkdtempSync(join(tmpdir(), 'zrm-example-'));
  const tempDir = join(work, 'tmp');
  mkdirSync(tempDir);
  // the service's uploads and any other temp file land here (os.tmpdir() reads TMPDIR)
  process.env.TMPDIR = tempDir;
  const receiver = await startOtlpReceiver({ host: '127.0.0.1', port: 0 });
  const adminNotices: RestrictionEvent[] = [];
  const api = await startVoiceApi({
    framework,
    port: 0,
    logFile: join(work, 'api.log'),
    otlpUrl: receiver.url,
    leaky,
    notifyAdmin: (event) => adminNotices.push(event),
  });
  const sinks = async (): Promise<Record<string, Haystack>> => ({
    'log file': readFileSync(api.logFile),
    'otlp traces': receiver.signal('traces'),
    'otlp logs': receiver.signal('logs'),
    'history tables': await readHistoryTables(api.historyDb),
    'temp dir': await readDirectory(tempDir),
  });
  return {
    api,
    receiver,
    tempDir,
    adminNotices,
    client: (apiKey = ACME) => new ElevenLabsClient({ apiKey, baseUrl: api.url, maxRetries: 0 }),
    sinks,
    async missing(canary, names) {
      let absent: string[] = [...names];
      for (let attempt = 0; attempt < 100 && absent.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        const all = await sinks();
        absent = names.filter((name) => !found(all[name]!, canary));
      }
      return absent;
    },
    async close() {
      await api.close();
      await receiver.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export function found(sink: Haystack, canary: Canary): boolean {
  return findCanaries(sink, canary).length > 0;
}

/**
 * A text canary whose label is not in its value: the values of an ordinary
 * and a ZRM canary then share no 16-character run (zrm rightly scrubs any such
 * run of an in-flight ZRM request's content from ordinary records too).
 */
export function textCanary(): TextCanary {
  return createTextCanary(randomBytes(6).toString('hex'));
}

/** Sinks in which the example keeps an ordinary agent turn's content. */
export const AGENT_SINKS = ['log file', 'otlp traces', 'otlp logs', 'history tables'] as const;
/** Sinks in which the example keeps an ordinary realtime session's transcript. */
export const REALTIME_SINKS = ['log file', 'otlp traces', 'history tables'] as const;
