import type { ScenarioOptions } from './scenario.js';

/** The SDK lines the leak tests run against: the dev dependency (both span lifecycles) and the aliases of older majors. */
export const SDKS: readonly (ScenarioOptions & { sdk: string })[] = [
  { sdk: '@sentry/node 11, streamed spans', lifecycle: 'stream' },
  { sdk: '@sentry/node 11, transactions', lifecycle: 'static' },
  { sdk: '@sentry/node 10', lifecycle: 'static', sentryPackage: '@sentry/node-v10' },
  { sdk: '@sentry/node 9', lifecycle: 'static', sentryPackage: '@sentry/node-v9' },
];

/** One line per major, for the scenarios that do not depend on how spans are sent. */
export const MAJORS = SDKS.filter(
  (sdk) => sdk.lifecycle === 'stream' || sdk.sentryPackage !== undefined,
);
