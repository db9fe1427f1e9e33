import { isZrmError, type ZrmDecision, type ZrmScope } from '@zrm/core';
import { decide, registerContent } from '@zrm/core/adapter';
import type { Context } from 'hono';

type HonoReq = Context['req'];

type Method = (this: HonoReq, ...args: unknown[]) => Promise<unknown>;

/** The `c.req` methods that read the body; each is wrapped for a ZRM request. */
const READERS = ['json', 'text', 'arrayBuffer', 'bytes', 'blob', 'formData', 'parseBody'] as const;

/** Registers a form's fields (text values except the policy's safe names) and its files' names and bytes. */
async function registerForm(entries: Iterable<[string, unknown]>, scope: ZrmScope): Promise<void> {
  const safe = scope.policy.safeQueryParams;
  for (const [name, value] of entries) {
    if (Array.isArray(value)) {
      await registerForm(
        value.map((item) => [name, item] as [string, unknown]),
        scope,
      );
    } else if (typeof value === 'string') {
      if (!safe.has(name.toLowerCase())) scope.register(value);
    } else if (value instanceof Blob) {
      if ('name' in value && typeof value.name === 'string' && value.name !== '')
        scope.register(value.name);
      registerContent(new Uint8Array(await value.arrayBuffer()), scope);
    } else if (typeof value === 'object' && value !== null) {
      await registerForm(Object.entries(value), scope); // parseBody({ dot: true }) nests
    }
  }
}

/** Registers what a reader returned as content of the scope; the body moment's input. */
async function register(
  method: (typeof READERS)[number],
  value: unknown,
  scope: ZrmScope,
): Promise<unknown> {
  if (method === 'formData') {
    const form = value as FormData;
    await registerForm(form.entries(), scope);
    return Object.fromEntries([...form.keys()].map((key) => [key, true]));
  }
  if (method === 'parseBody') {
    await registerForm(Object.entries(value as object), scope);
    return value;
  }
  if (method === 'blob') {
    registerContent(new Uint8Array(await (value as Blob).arrayBuffer()), scope);
    return undefined;
  }
  registerContent(value, scope);
  return value;
}

/**
 * For the rest of a ZRM request, every body reader of `c.req` (`json`,
 * `text`, `arrayBuffer`, `bytes`, `blob`, `formData`, `parseBody`) registers
 * what it parsed as content before the handler sees it, and asks the body
 * moment of the decision: a stateful parameter in a parsed JSON object or
 * form refuses the request (the reader rejects with the `ZrmError`). Input
 * that fails to parse as JSON is registered whole (the `SyntaxError` quotes it).
 */
export function registerBodyOnParse(req: HonoReq, scope: ZrmScope, decision: ZrmDecision): void {
  const text = req.text.bind(req);
  for (const method of READERS) {
    const original = (req as unknown as Record<string, Method>)[method] as Method;
    Object.defineProperty(req, method, {
      configurable: true,
      writable: true,
      value: async function read(this: HonoReq, ...args: unknown[]): Promise<unknown> {
        let value: unknown;
        try {
          value = await original.apply(req, args);
        } catch (error) {
          if (method === 'json') registerContent(await text().catch(() => ''), scope);
          throw error;
        }
        const body = await register(method, value, scope);
        const answer = decide({ moment: 'body', current: decision, body }, scope.policy);
        if (isZrmError(answer)) throw answer;
        return value;
      },
    });
  }
}
