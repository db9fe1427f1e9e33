import { type ZrmScope } from '@zrm/core';
import { registerContent } from '@zrm/core/adapter';

/**
 * Registers the content of a received message: in a JSON object every string
 * under a sensitive key (any depth), any other text whole, binary by its bytes.
 */
export function registerMessage(
  text: string | undefined,
  parsed: unknown,
  binary: unknown,
  scope: ZrmScope,
): void {
  if (binary !== undefined) registerContent(binary, scope);
  else if (typeof parsed === 'object' && parsed !== null) registerContent(parsed, scope);
  else if (text !== undefined) registerContent(text, scope);
}
