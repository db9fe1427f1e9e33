import { registerContent, type ZrmScope } from '@zrm/core';

/**
 * Makes `req.body` an accessor for the rest of a ZRM request, so whatever a
 * body parser (express.json/text/raw/urlencoded, body-parser 1 and 2) assigns
 * is registered as content the moment it is parsed.
 */
export function taintBodyOnParse(req: object, scope: ZrmScope): void {
  let body = (req as { body?: unknown }).body;
  if (body !== undefined) registerContent(body, scope);
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get: () => body,
    set: (value: unknown) => {
      body = value;
      registerContent(value, scope);
    },
  });
}
