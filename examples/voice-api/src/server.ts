import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RestrictionEvent } from '@zrm/core';
import { AgentStore } from './agents.js';
import { loadConfig } from './config.js';
import { ConversationLog } from './conversations.js';
import { createExpressApp } from './express-app.js';
import { openHistory, type HistoryDatabase } from './history.js';
import { createLogger } from './logger.js';
import { voicePolicy } from './policy.js';
import type { Services } from './services.js';
import { SignedUrls } from './signed-urls.js';
import { startTelemetry } from './telemetry.js';
import { attachWebSockets } from './websocket.js';

export type Framework = 'express' | 'fastify';

export interface VoiceApiOptions {
  framework?: Framework;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Tenants file (see config/tenants.json). */
  configPath?: string;
  logFile?: string;
  logToStdout?: boolean;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318. */
  otlpUrl?: string;
  /** Directory of the embedded Postgres; in memory when absent. */
  historyDir?: string;
  /**
   * Test-only: leave out the zrm logger options, span and log processors and
   * history guard, and write uploads to the temp dir — a service that leaks,
   * to prove that zrm-audit fails and names every sink.
   */
  leaky?: boolean;
  /**
   * Notifies the account's admin that ZRM was refused to a principal that is
   * not entitled (the design's `onRestricted`); the refusal is logged either way.
   */
  notifyAdmin?: (event: RestrictionEvent) => void;
  /** The OpenTelemetry instrumentations `instrument()` enabled before the app was imported. */
  instrumentations?: Instrumentation[];
}

export interface RunningVoiceApi {
  url: string;
  port: number;
  logFile: string;
  /** The embedded history database, for audits and tests that read its tables. */
  historyDb: HistoryDatabase;
  close(): Promise<void>;
}

/** Starts the example service with every sink wired: log file, OTLP traces and logs, history. */
export async function startVoiceApi(options: VoiceApiOptions = {}): Promise<RunningVoiceApi> {
  const config = loadConfig(options.configPath);
  const logFile = options.logFile ?? join(tmpdir(), `voice-api-${process.pid}.log`);
  const zrm = options.leaky !== true;
  const logger = createLogger({
    file: logFile,
    stdout: options.logToStdout ?? false,
    zeroRetention: zrm,
  });
  const agents = new AgentStore(config);
  const signedUrls = new SignedUrls();
  const policy = voicePolicy(config, { agents, signedUrls }, (event) => {
    logger.warn(
      { principal: event.principal, code: event.code },
      'zero retention refused: notify the account admin',
    );
    options.notifyAdmin?.(event);
  });
  // telemetry first: the HTTP server must be created after the SDK patched node:http
  const telemetry = startTelemetry(
    options.otlpUrl ?? 'http://127.0.0.1:4318',
    policy,
    zrm,
    options.instrumentations,
  );
  const history = await openHistory(
    options.historyDir,
    (fault) =>
      logger.error({ operation: fault.operation, code: fault.code }, 'history store failure'),
    zrm,
  );
  const services: Services = {
    config,
    policy,
    telemetry,
    history: history.store,
    agents,
    conversations: new ConversationLog(history.store),
    signedUrls,
    leaky: !zrm,
  };

  let server: Server;
  let closeApp: () => Promise<void> = async () => {};
  if (options.framework === 'fastify') {
    const { createFastifyApp } = await import('./fastify-app.js');
    const app = await createFastifyApp(services, policy, logger);
    await app.ready();
    server = app.server;
    closeApp = () => app.close();
  } else {
    server = createServer(createExpressApp(services, policy, logger));
  }
  attachWebSockets(server, services, policy, logger);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, framework: options.framework ?? 'express' }, 'voice-api listening');

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    logFile,
    historyDb: history.db,
    async close() {
      server.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        closeApp(),
      ]);
      // an unreachable collector must not keep the service from stopping
      await telemetry.shutdown().catch(() => logger.warn('telemetry shutdown failed'));
      await history.close();
      logger.flush();
    },
  };
}
