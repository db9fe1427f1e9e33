import { assertProviderAllowed, ZrmError } from '@zrm/core';

/** The third party behind an agent's LLM: `gemini-2.0-flash` → `gemini`, `claude-…` → `claude`. */
export function providerOf(llm: string): string {
  if (llm.startsWith('gemini')) return 'gemini';
  if (llm.startsWith('claude')) return 'claude';
  return 'generic-llm';
}

/**
 * A stand-in for a third-party LLM: deterministic, no network. It quotes the
 * prompt's last words, so a completion is content derived from the prompt (as
 * a real one is) and two completions share no 16-character run. In ZRM only
 * the providers on the policy's allow-list may be called (the typed error otherwise).
 */
export function callProvider(provider: string, known: readonly string[], prompt: string): string {
  if (!known.includes(provider)) {
    throw new ZrmError('invalid_request', 'Unknown provider.', { param: 'llm' });
  }
  assertProviderAllowed(provider);
  const words = prompt.split(/\s+/).filter(Boolean);
  return `You said "${words.slice(-5).join(' ')}" (${provider})`;
}
