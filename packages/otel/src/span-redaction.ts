import { REDACTED, type Policy } from '@zrm/core';
import { redactAttributes, redactName } from './attributes.js';
import { ZERO_RETENTION_ATTRIBUTE } from './marker.js';
import { overlay } from './overlay.js';
import type { ZrmReadableSpan } from './types.js';

/** An empty list has no content: it is kept as it is, without an allocation. */
function mapOrSame<T, U>(list: T[], redactItem: (item: T) => U): (T | U)[] {
  return list.length === 0 ? list : list.map(redactItem);
}

/**
 * A ZRM view of a finished span: name, attributes, event names and
 * attributes, link attributes and status message carry no content.
 * The span itself is not changed. Throws only if the span cannot be read.
 */
export function redactSpan<S extends ZrmReadableSpan>(span: S, policy: Policy): S {
  const status = span.status;
  const attributes = redactAttributes(span.attributes, policy);
  attributes[ZERO_RETENTION_ATTRIBUTE] = true;
  return overlay(span, {
    name: redactName(span.name, policy),
    attributes,
    events: mapOrSame(span.events, (event) => ({
      ...event,
      name: redactName(event.name, policy),
      attributes: redactAttributes(event.attributes, policy),
    })),
    links: mapOrSame(span.links, (link) => ({
      ...link,
      attributes: redactAttributes(link.attributes, policy),
    })),
    status:
      status.message === undefined || status.message === ''
        ? status
        : { ...status, message: REDACTED },
  });
}

/** Sets `key` on `target` when the object allows it; a frozen or read-only SDK object is left alone. */
function trySet(target: object, key: string, value: unknown): void {
  try {
    Reflect.set(target, key, value);
  } catch {
    // read-only: nothing to scrub through this path
  }
}

function replaceContent(target: object | undefined, redacted: object | undefined): void {
  if (target === undefined || redacted === undefined) return;
  for (const key of Object.keys(target)) {
    if (!Object.hasOwn(redacted, key)) Reflect.deleteProperty(target, key);
  }
  for (const [key, value] of Object.entries(redacted)) trySet(target, key, value);
}

/**
 * Removes the content of an ended ZRM span from the SDK's own span object,
 * once its redacted view has been handed on. Nothing reads an ended span but
 * processors, yet async resources created while it was active (an exporter's
 * keep-alive socket, a batch timer) keep its context — and so the span —
 * alive after the request: its content must not be there.
 */
export function scrubEndedSpan(span: ZrmReadableSpan, view: ZrmReadableSpan): void {
  try {
    replaceContent(span.attributes, view.attributes);
    span.events.forEach((event, i) => {
      const clean = view.events[i];
      if (clean === undefined) return;
      trySet(event, 'name', clean.name);
      replaceContent(event.attributes, clean.attributes);
    });
    span.links.forEach((link, i) => replaceContent(link.attributes, view.links[i]?.attributes));
    trySet(span, 'status', view.status);
    trySet(span, 'name', view.name);
  } catch {
    // best effort on an exotic span: the exported view is already content-free
  }
}
