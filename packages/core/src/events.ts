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
