import { assertProviderAllowed, ZrmError } from '@zrm/core';

/**
 * A stand-in for a third-party LLM: deterministic, no network. In ZRM only the
 * providers on the policy's allow-list may be called (the typed error otherwise).
 */
export function callProvider(provider: string, known: readonly string[], prompt: string): string {
  if (!known.includes(provider)) {
    throw new ZrmError('invalid_request', 'Unknown provider.', { param: 'llm' });
  }
  assertProviderAllowed(provider);
  const words = prompt.split(/\s+/).filter(Boolean).length;
  return `(${provider}) I heard ${words} words. How else can I help with your request?`;
}
