import { createRequire } from 'node:module';
import { seesSdkContext } from './api-agreement.js';
import { installEsmHook } from './esm-hook.js';
import { findPeers, versionOf, type Peer } from './peers.js';
import { logRecordProcessorsFromEnv, spanProcessorsFromEnv } from './processors.js';
import { propagatorFromEnv } from './propagator.js';
import { loadSdkParts, type SdkParts } from './sdk-parts.js';
import { shutdownOnExit } from './shutdown.js';

interface AutoInstrumentations {
  getNodeAutoInstrumentations(): unknown[];
  getResourceDetectors(): unknown[];
}

function loadAutoInstrumentations(peer: Peer): AutoInstrumentations {
  const module = peer.require(peer.entry) as Partial<Record<keyof AutoInstrumentations, unknown>>;
  if (
    typeof module.getNodeAutoInstrumentations !== 'function' ||
    typeof module.getResourceDetectors !== 'function'
  ) {
    throw new Error(
      `@zrm/otel/register cannot use @opentelemetry/auto-instrumentations-node ${peer.version}: getNodeAutoInstrumentations or getResourceDetectors is missing`,
    );
  }
  return module as AutoInstrumentations;
}

/** The class name of what was thrown, never its message (an exporter's error may quote a response). */
function errorType(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}

function apiVersion(require: NodeJS.Require): string {
  try {
    return versionOf('@opentelemetry/api', require.resolve('@opentelemetry/api'));
  } catch {
    return 'unknown';
  }
}

/** Which SDK and which `@opentelemetry/api` copies run: what the started line and a mismatch error name. */
function versions(sdk: SdkParts, sdkNode: Peer): string {
  const ours = apiVersion(createRequire(import.meta.url));
  return `@opentelemetry/sdk-node ${sdk.version} with @opentelemetry/api ${apiVersion(sdkNode.require)}; @zrm/otel with @opentelemetry/api ${ours}`;
}

/** Fails closed when zrm's `@opentelemetry/api` cannot see the SDK's context: no ZRM trace would be marked. */
async function checkApiAgreement(running: string, started: { shutdown(): Promise<void> }) {
  if (seesSdkContext()) return;
  await started.shutdown();
  throw Object.assign(
    new Error(
      `@zrm/otel/register: @zrm/otel's @opentelemetry/api cannot see the context the SDK registered (${running}); OpenTelemetry was shut down. Install one @opentelemetry/api, the SDK's, for the application and @zrm/otel`,
    ),
    { code: 'ZRM_OTEL_API_MISMATCH' },
  );
}

/**
 * Starts OpenTelemetry as `@opentelemetry/auto-instrumentations-node/register`
 * does — `NodeSDK` with every auto-instrumentation and the environment's
 * resource detectors, sampler, limits, metrics — but with the span and log
 * pipelines and the propagator built from the environment by zrm, wrapped,
 * so that `NodeSDK` builds no unwrapped processor of its own.
 */
export async function startZeroCode(): Promise<void> {
  const [sdkNode, autoPeer] = findPeers([
    '@opentelemetry/sdk-node',
    '@opentelemetry/auto-instrumentations-node',
  ] as const);
  const sdk = loadSdkParts(sdkNode);
  const auto = loadAutoInstrumentations(autoPeer);
  const { diag } = sdk.api;

  // as upstream: a diag logger while the instrumentations load (NodeSDK sets its own)
  const logLevel = sdk.core.getStringFromEnv('OTEL_LOG_LEVEL');
  if (logLevel !== undefined)
    diag.setLogger(new sdk.api.DiagConsoleLogger(), {
      logLevel: sdk.core.diagLogLevelFromString(logLevel),
    });
  const config = {
    instrumentations: auto.getNodeAutoInstrumentations(),
    resourceDetectors: auto.getResourceDetectors(),
    // always arrays, even empty: NodeSDK builds unwrapped processors from the environment otherwise
    spanProcessors: spanProcessorsFromEnv(sdk),
    logRecordProcessors: logRecordProcessorsFromEnv(sdk),
    textMapPropagator: propagatorFromEnv(sdk),
  };
  if (logLevel !== undefined) diag.disable();

  const otel = new sdk.NodeSDK(config);
  try {
    otel.start();
  } catch (error) {
    // as upstream: the app runs, uninstrumented
    diag.error(
      `@zrm/otel/register: OpenTelemetry did not start (${errorType(error)}); the application is not instrumented`,
    );
    return;
  }
  if (sdk.core.getBooleanFromEnv('OTEL_SDK_DISABLED')) return;
  const running = versions(sdk, sdkNode);
  await checkApiAgreement(running, otel);
  diag.info(
    `@zrm/otel/register: OpenTelemetry started with Zero Retention Mode processors, exporter wrappers and propagator (${running})`,
  );
  await installEsmHook(autoPeer);
  shutdownOnExit(() =>
    otel.shutdown().then(
      () => diag.debug('@zrm/otel/register: OpenTelemetry shut down'),
      (error: unknown) =>
        diag.error(`@zrm/otel/register: OpenTelemetry shutdown failed (${errorType(error)})`),
    ),
  );
}
