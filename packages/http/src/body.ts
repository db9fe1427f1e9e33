import type { IncomingMessage } from 'node:http';
import type { ZrmScope } from '@zrm/core';
import { registerContent, runEmitterInScope } from '@zrm/core/adapter';

const JSON_TYPE = /^\s*application\/(?:[\w.+-]*\+)?json\b/i;
const TEXTUAL = /^\s*(?:text\/|application\/(?:[\w.+-]*\+)?(?:xml|x-www-form-urlencoded|graphql))/i;
const MULTIPART = /^\s*multipart\//i;

type Chunk = Buffer | string;

function textOf(chunks: readonly Chunk[]): string {
  return chunks.every((chunk) => typeof chunk === 'string')
    ? chunks.join('')
    : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString(
        'utf8',
      );
}

/** A whole JSON (or untyped) body: its parsed values, or its text when it is not JSON. */
function registerWhole(text: string, scope: ZrmScope): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    registerContent(text, scope); // a parse error may quote it: all of it is content
    return;
  }
  registerContent(parsed, scope);
}

/**
 * How the chunks of a ZRM request's body are registered as they pass
 * `'data'` (however the handler reads them: listeners, `for await`, `pipe`):
 * - JSON (`application/json`, `+json`) and untyped bodies: the chunks are kept
 *   until `'end'`, then the body is parsed and registered like a parsed body
 *   in the other adapters (strings under sensitive keys); its raw text is not
 *   registered, since fragments of JSON syntax would be scrubbed out of the
 *   structure of log lines. A body that does not parse is registered whole, as text.
 * - text, XML, form-urlencoded, GraphQL: each chunk as text, and the whole text at `'end'`.
 * - multipart: each chunk as text (its fields) and as bytes (its files).
 * - anything else: each chunk as bytes (hex, base64, base64url forms).
 */
function registrar(
  type: string,
  scope: ZrmScope,
): (event: string | symbol, args: unknown[]) => void {
  const whole = type === '' || JSON_TYPE.test(type);
  const textual = TEXTUAL.test(type);
  const multipart = MULTIPART.test(type);
  const chunks: Chunk[] = [];
  return (event, args) => {
    if (event === 'end') {
      if (whole) registerWhole(textOf(chunks), scope);
      else if (textual && chunks.length > 1) registerContent(textOf(chunks), scope);
      chunks.length = 0;
      return;
    }
    const chunk = args[0];
    if (event !== 'data' || (typeof chunk !== 'string' && !Buffer.isBuffer(chunk))) return;
    if (whole || textual) chunks.push(chunk);
    if (whole) return;
    if (textual || multipart)
      registerContent(typeof chunk === 'string' ? chunk : chunk.toString('utf8'), scope);
    if (!textual) registerContent(chunk, scope);
  };
}

/**
 * Every listener of `req` runs in the request's scope; in ZRM the body's
 * content is registered on its way to the handler (see `registrar`).
 */
export function bindRequest(req: IncomingMessage, scope: ZrmScope): void {
  if (!scope.zeroRetention) {
    runEmitterInScope(req, scope);
    return;
  }
  const register = registrar(req.headers['content-type'] ?? '', scope);
  runEmitterInScope(req, scope, {
    before(event, args) {
      register(event, args);
    },
  });
}
