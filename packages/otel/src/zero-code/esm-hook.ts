import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Peer } from './peers.js';

interface SyncHooks {
  register?: unknown;
  supportsSyncHooks?: unknown;
}

/** import-in-the-middle's in-thread hooks (`module.registerHooks`), when this Node and that copy support them. */
async function registerSyncHooks(instrumentation: string): Promise<boolean> {
  let path: string;
  try {
    path = createRequire(instrumentation).resolve('import-in-the-middle/register-hooks.mjs');
  } catch {
    return false;
  }
  const hooks = (await import(pathToFileURL(path).href)) as SyncHooks;
  if (typeof hooks.register !== 'function' || typeof hooks.supportsSyncHooks !== 'function')
    return false;
  if ((hooks.supportsSyncHooks as () => unknown)() !== true) return false;
  (hooks.register as () => void)();
  return true;
}

/**
 * Installs the ESM loader hook of `@opentelemetry/instrumentation` (the copy
 * the auto-instrumentations use), so that instrumentations patch what an ESM
 * app imports. It must run before the app's imports: `--import` does that.
 * In-thread hooks where supported (`module.register` is deprecated on Node
 * 26), else the off-thread `module.register` hook.
 */
export async function installEsmHook(autoInstrumentations: Peer): Promise<void> {
  let instrumentation: string | undefined;
  try {
    instrumentation = autoInstrumentations.require.resolve('@opentelemetry/instrumentation');
  } catch {
    instrumentation = undefined;
  }
  if (instrumentation !== undefined && (await registerSyncHooks(instrumentation))) return;
  register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(autoInstrumentations.entry));
}
