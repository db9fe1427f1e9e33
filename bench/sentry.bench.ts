import { describe } from 'vitest';
import { definePolicy } from '../packages/core/dist/index.js';
import { createScope } from '../packages/core/dist/adapter.js';
import { zeroRetentionIntegration } from '../packages/sentry/dist/index.js';
import { fromPackage } from './lib/deps.js';
import { noneInFlight } from './lib/in-flight.js';
import { interleaved } from './lib/interleave.js';

interface SentryEvent {
  message?: string;
}
interface Client {
  init(): void;
  captureException(error: unknown, hint: undefined, scope: unknown): string;
}
interface Sentry {
  NodeClient: new (options: object) => Client;
  Scope: new () => object;
  defaultStackParser: unknown;
}
const Sentry = fromPackage('packages/sentry')('@sentry/node') as Sentry;

// A transport that sends nothing: each case's time is Sentry's event pipeline
// (scope data, event processors, beforeSend, envelope) up to the transport.
let sent: (() => void) | undefined;
const transport = () => ({
  send: () => {
    sent?.();
    return Promise.resolve({});
  },
  flush: () => Promise.resolve(true),
});
const options = {
  dsn: 'http://public@127.0.0.1:9/1',
  transport,
  stackParser: Sentry.defaultStackParser,
  sendDefaultPii: true,
  sendClientReports: false,
};
// Plain Sentry with a beforeSend that hands the event on: the path a team's own scrubbing takes.
const plain = new Sentry.NodeClient({
  ...options,
  integrations: [],
  beforeSend: (event: SentryEvent) => event,
});
const zrmClient = new Sentry.NodeClient({ ...options, integrations: [zeroRetentionIntegration()] });
plain.init();
zrmClient.init();

const policy = definePolicy({ taint: { graceMs: 60_000 } });
const ordinary = createScope({ zeroRetention: false, policy });
const zrm = createScope({ zeroRetention: true, policy });

/** Captures one error event and waits until the transport has it. */
function capture(client: Client): Promise<void> {
  return new Promise((resolve) => {
    sent = resolve;
    const error = new TypeError('voice 21m00Tcm4TlvDq8ikWAM: synthesis failed after 3 retries');
    client.captureException(error, undefined, new Sentry.Scope());
  });
}

describe('Sentry error event', () => {
  interleaved(
    [
      ['plain Sentry (beforeSend), ordinary scope', () => ordinary.run(() => capture(plain))],
      ['zrm Sentry, ordinary scope', () => ordinary.run(() => capture(zrmClient))],
      ['zrm Sentry, ZRM scope', () => zrm.run(() => capture(zrmClient))],
    ],
    { setup: noneInFlight },
  );
});
