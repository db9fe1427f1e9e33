import type { RedactionEvent } from '@zrm/core';
import { startSentryReceiver, type SentryReceiver } from '@zrm/testing';
import { buildDist, startEchoServer, startSentryApp, type SentryApp } from './sentry-app.js';

export interface Scenario {
  /** What Sentry sent with the integration. */
  readonly sent: SentryReceiver;
  /** What the same app sent without it (the positive control); empty when there is none. */
  readonly control: SentryReceiver;
  /** The `onRedaction` events of the app with the integration. */
  readonly redactions: readonly RedactionEvent[];
  close(): Promise<void>;
}

export interface ScenarioOptions {
  readonly lifecycle?: 'stream' | 'static';
  /** Also run the steps against the app without the integration (default true). */
  readonly control?: boolean;
  /** Another installed SDK major (`@sentry/node-v10`). */
  readonly sentryPackage?: string;
}

/**
 * Runs `steps` against the real app in a child process (with the integration,
 * then without it), flushes Sentry and keeps every envelope it sent.
 */
export async function runScenario(
  options: ScenarioOptions,
  steps: (app: SentryApp) => Promise<void>,
): Promise<Scenario> {
  await buildDist();
  const echo = await startEchoServer();
  const sent = await startSentryReceiver();
  const control = await startSentryReceiver();
  let redactions: RedactionEvent[] = [];
  const runs = options.control === false ? [true] : [true, false];
  for (const integration of runs) {
    const app = await startSentryApp({
      receiver: integration ? sent : control,
      integration,
      lifecycle: options.lifecycle,
      echoUrl: echo.url,
      sentryPackage: options.sentryPackage,
    });
    await steps(app);
    await app.flush();
    if (integration) redactions = await app.redactions();
    await app.stop();
  }
  return {
    sent,
    control,
    redactions,
    close: async () => {
      await Promise.all([echo.close(), sent.close(), control.close()]);
    },
  };
}
