import { stat } from 'node:fs/promises';
import { readDirectory, readFileFrom } from '../read-directory.js';
import { readPostgresTables } from '../read-history-tables.js';
import { otlpScopeNames } from '../otlp-scopes.js';
import type { CapturedChunk, OtlpReceiver, OtlpSignal, SentryReceiver } from '../types.js';
import { SIGNAL_EXPECTATION } from './config.js';
import { readHistoryApi } from './history-api.js';
import type { UsedApiKey } from './history-api.js';
import type { AuditConfig, OrdinaryExpectation, SinkResult } from './types.js';

/** What one read of a sink found; `missing`: the file or dir is not there at all (a wrong path proves nothing). */
export interface SinkRead {
  chunks: readonly CapturedChunk[];
  notes: string[];
  missing?: boolean;
  /** OTLP: the instrumentation scopes of what arrived. */
  scopes?: string[];
}

/** One sink the audit reads: what it must hold, and how to read it (again, while waiting). */
export interface SinkSource {
  name: string;
  kind: SinkResult['kind'];
  /** False for an OTLP signal not listed: reported only if the service sent it data. */
  asked: boolean;
  expectation: OrdinaryExpectation;
  /** Chunks only grow at their end (a log file): a re-read needs to scan only what is new. */
  appendOnly: boolean;
  /** How often the wait re-reads it: local reads are cheap, history reads are requests. */
  pollMs: number;
  read(): Promise<SinkRead>;
}

const LOCAL_POLL_MS = 200;
const REMOTE_POLL_MS = 1000;
const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

/** The byte offsets of the log files before the probes, so only new lines are scanned. */
export async function logOffsets(files: readonly string[]): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  for (const file of files) offsets.set(file, (await stat(file).catch(() => undefined))?.size ?? 0);
  return offsets;
}

function logFile(
  kind: 'log' | 'stdout',
  file: string,
  offset: number,
  expectation: OrdinaryExpectation,
): SinkSource {
  return {
    name: `${kind}:${file}`,
    kind,
    asked: true,
    expectation,
    appendOnly: true,
    pollMs: LOCAL_POLL_MS,
    async read() {
      if ((await stat(file).catch(() => undefined)) === undefined)
        return {
          chunks: [],
          missing: true,
          notes: [
            `${kind === 'log' ? 'log' : 'stdout'} file ${file} does not exist: there was nothing to scan (is the path right, does the service write elsewhere?).`,
          ],
        };
      return { chunks: (await readFileFrom(file, offset)).chunks(), notes: [] };
    },
  };
}

function otlpSignal(receiver: OtlpReceiver, signal: OtlpSignal, config: AuditConfig): SinkSource {
  const asked = config.otlp !== false && config.otlp.signals.includes(signal);
  const sink = receiver.signal(signal);
  const scopes = (): string[] => {
    const names = receiver.requests
      .filter((r) => r.signal === signal)
      .flatMap((r) => otlpScopeNames(r.body, r.contentType));
    return [...new Set(names)].sort();
  };
  return {
    name: sink.name,
    kind: 'otlp',
    asked,
    expectation: asked ? config.expectOrdinary[SIGNAL_EXPECTATION[signal]] : 'none',
    appendOnly: false, // each request is a chunk of its own that never changes
    pollMs: LOCAL_POLL_MS,
    read: () => Promise.resolve({ chunks: sink.chunks(), notes: [], scopes: scopes() }),
  };
}

function sentry(receiver: SentryReceiver, expectation: OrdinaryExpectation): SinkSource {
  return {
    name: 'sentry',
    kind: 'sentry',
    asked: true,
    expectation,
    appendOnly: false, // each envelope is a chunk of its own that never changes
    pollMs: LOCAL_POLL_MS,
    read: () => Promise.resolve({ chunks: receiver.chunks(), notes: [] }),
  };
}

function postgres(config: AuditConfig, pg: { url: string; tables?: string[] }): SinkSource {
  return {
    name: 'history:postgres',
    kind: 'history',
    asked: true,
    expectation: config.expectOrdinary.history,
    appendOnly: false,
    pollMs: REMOTE_POLL_MS,
    async read() {
      try {
        const tables = await readPostgresTables(pg.url, pg.tables ? { tables: pg.tables } : {});
        return { chunks: tables.chunks(), notes: [] };
      } catch {
        return {
          chunks: [],
          notes: [
            'history:postgres could not be read (the connection or a query failed, or the optional "pg" package is missing): nothing was scanned there.',
          ],
        };
      }
    },
  };
}

/** Every sink the config names, in report order. */
export function sinkSources(
  config: AuditConfig,
  context: {
    startedAt: number;
    offsets: Map<string, number>;
    receiver: OtlpReceiver | undefined;
    sentry: SentryReceiver | undefined;
    apiKeys: readonly UsedApiKey[];
  },
): SinkSource[] {
  const expect = config.expectOrdinary;
  const sources = [
    ...config.logFiles.map((file) =>
      logFile('log', file, context.offsets.get(file) ?? 0, expect.logs),
    ),
    ...config.stdoutFiles.map((file) =>
      logFile('stdout', file, context.offsets.get(file) ?? 0, expect.stdout),
    ),
  ];
  const { receiver } = context;
  if (receiver !== undefined) sources.push(...SIGNALS.map((s) => otlpSignal(receiver, s, config)));
  if (context.sentry !== undefined) sources.push(sentry(context.sentry, expect.sentry));
  const { historyApi, postgres: pg } = config;
  if (historyApi !== false) {
    sources.push({
      name: 'history:api',
      kind: 'history',
      asked: true,
      expectation: expect.history,
      appendOnly: false,
      pollMs: REMOTE_POLL_MS,
      read: () => readHistoryApi(config, historyApi, context.apiKeys),
    });
  }
  if (pg !== false) sources.push(postgres(config, pg));
  for (const dir of config.tempDirs) {
    sources.push({
      name: `temp:${dir}`,
      kind: 'temp',
      asked: true,
      expectation: expect.temp,
      appendOnly: false,
      pollMs: REMOTE_POLL_MS,
      async read() {
        if (!(await stat(dir).catch(() => undefined))?.isDirectory())
          return {
            chunks: [],
            missing: true,
            notes: [
              `temp dir ${dir} does not exist (or is not a directory): there was nothing to scan (is the path right?).`,
            ],
          };
        // one second of slack for file systems with coarse modification times
        const sink = await readDirectory(dir, { since: context.startedAt - 1000 });
        return { chunks: sink.chunks(), notes: [] };
      },
    });
  }
  return sources;
}
