import { state } from './state.js';
import type { Policy, RedactionEvent } from './types.js';

/** Calls the policy's `onRedaction` hook; a throwing hook never reaches the caller. */
export function emitRedaction(policy: Policy, event: RedactionEvent): void {
  const hook = policy.onRedaction;
  if (hook === undefined) return;
  try {
    hook(event);
  } catch {
    // a metrics hook must not break logging
  }
}

/**
 * Counts a write, made outside the ZRM scope whose content it carried, from
 * which that content was removed: an `onRedaction` event of kind
 * `cross-context` on the current scope's policy (the default policy outside
 * any scope), with the writing request's id. Content-free.
 */
export function reportCrossContext(sink: string | undefined, count = 1): void {
  const scope = state.storage.getStore();
  const policy = scope?.policy ?? state.defaultPolicy;
  if (policy.onRedaction === undefined) return;
  emitRedaction(policy, { kind: 'cross-context', count, sink, requestId: scope?.requestId });
}
