import { register } from 'node:module';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { FastifyInstrumentation } from '@opentelemetry/instrumentation-fastify';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import * as Sentry from '@sentry/node';
import { guardConsole } from '@zrm/core';
import { zeroRetentionIntegration } from '@zrm/sentry';

export interface InstrumentOptions {
  /** Sentry's DSN; Sentry stays off without one. */
  sentryDsn?: string;
  /** Test-only: leave out `zeroRetentionIntegration()` (Sentry sends ZRM content). */
  leakySentry?: boolean;
  /** Test-only: leave out `guardConsole()` (stdout and stderr get ZRM content). */
  leakyConsole?: boolean;
}

/**
 * What production runs before the app is imported: the ESM hook, so that the
 * OpenTelemetry instrumentations patch express, fastify and pino loaded with
 * `import`; the console guard; Sentry. Returns the instrumentations, enabled
 * (they patch from construction on), for the NodeSDK to give its providers.
 */
export function instrument(options: InstrumentOptions = {}): Instrumentation[] {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const instrumentations = [
    new HttpInstrumentation(),
    new ExpressInstrumentation(),
    new FastifyInstrumentation(),
    new PinoInstrumentation(),
  ];
  // before Sentry: its console integration then wraps the guarded console and sees what the app printed
  if (options.leakyConsole !== true) guardConsole();
  if (options.sentryDsn !== undefined && options.sentryDsn !== '') {
    Sentry.init({
      dsn: options.sentryDsn,
      // Sentry 11's successor of `sendDefaultPii: true`: users, cookies, headers, query values
      // and every HTTP body (its default), the harsh-but-realistic setting
      dataCollection: { userInfo: true, cookies: true, httpHeaders: true, urlQueryParams: true },
      tracesSampleRate: 1,
      // Sentry 11's default, said out loud: no Sentry tracer provider, the NodeSDK stays the global one
      enableOpenTelemetrySetup: false,
      integrations: [
        Sentry.consoleLoggingIntegration(),
        ...(options.leakySentry === true ? [] : [zeroRetentionIntegration()]),
      ],
    });
  }
  return instrumentations;
}
