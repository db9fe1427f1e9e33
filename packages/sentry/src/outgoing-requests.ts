import { subscribe } from 'node:diagnostics_channel';
import { currentScope, type Policy } from '@zrm/core';
import { isRecord } from './redaction.js';

/**
 * Outgoing requests (undici's `fetch`, `node:http`) made in a ZRM scope, held
 * weakly. Their response breadcrumb is recorded when the response arrives, in
 * the context of whoever opened the keep-alive connection it came on (another
 * request, or none), and lands in that context's Sentry scope: it is judged
 * by who made the request instead.
 */
const KEY = Symbol.for('@zrm/sentry.outgoing-requests.v1');
const holder = globalThis as { [KEY]?: WeakMap<object, Policy> };

function remember(message: unknown): void {
  const scope = currentScope();
  if (scope?.zeroRetention !== true || !isRecord(message)) return;
  const request = message.request;
  if (typeof request === 'object' && request !== null) holder[KEY]?.set(request, scope.policy);
}

/** Starts watching the channels both clients publish a new request on, in the caller's context (once per process). */
export function watchOutgoingRequests(): void {
  if (holder[KEY] !== undefined) return;
  holder[KEY] = new WeakMap();
  subscribe('undici:request:create', remember);
  subscribe('http.client.request.start', remember);
}

/** The ZRM policy of the request a breadcrumb hint names (`{ request, response }`), if a ZRM scope made it. */
export function requestPolicy(hint: unknown): Policy | undefined {
  if (!isRecord(hint)) return undefined;
  const request = hint.request;
  return typeof request === 'object' && request !== null ? holder[KEY]?.get(request) : undefined;
}
