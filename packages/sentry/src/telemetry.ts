import { cleanFields, cleanName, cleanTypedFields } from './fields.js';
import {
  cleanList,
  cleanRecord,
  cleanValue,
  content,
  isRecord,
  type Redaction,
} from './redaction.js';
import { ZERO_RETENTION_TAG } from './event.js';
import type { Fields } from './types.js';

const TEMPLATE = 'sentry.message.template';

/** Attributes as they are at capture (`typed: false`) or as serialized in an envelope. */
function cleanAttributes(r: Redaction, attributes: unknown, typed: boolean): unknown {
  const out = typed ? cleanTypedFields(r, attributes) : cleanFields(r, attributes);
  if (!r.zrm) return out;
  const marked = isRecord(out) ? out : {};
  marked[ZERO_RETENTION_TAG] = typed ? { value: true, type: 'boolean' } : true;
  return marked;
}

/** A streamed span (span JSON at capture, or an item of a `span` envelope item). */
export function cleanStreamedSpan(r: Redaction, span: unknown, typed: boolean): unknown {
  return cleanRecord(r, span, (key, value) => {
    switch (key) {
      case 'name':
        return cleanName(r, value);
      case 'attributes':
        return cleanAttributes(r, value, typed);
      case 'links':
        return cleanList(r, value, (link) =>
          cleanRecord(r, link, (name, field) =>
            name === 'attributes' ? cleanAttributes(r, field, typed) : cleanValue(r, field),
          ),
        );
      default:
        return cleanValue(r, value);
    }
  });
}

function templateOf(attributes: unknown, typed: boolean): unknown {
  if (!isRecord(attributes)) return undefined;
  const template = attributes[TEMPLATE];
  return typed && isRecord(template) ? template.value : template;
}

/**
 * A log record (at capture: `message`; in an envelope: `body`). In ZRM a
 * message with parameters becomes its template (cleaned), a bare message is
 * content; parameters and attributes are cleaned as span attributes.
 */
export function cleanLog(r: Redaction, log: unknown, typed: boolean): unknown {
  if (!isRecord(log)) return cleanValue(r, log);
  const template = templateOf(log.attributes, typed);
  return cleanRecord(r, log, (key, value) => {
    if (key === 'attributes') return cleanAttributes(r, value, typed);
    if (key !== 'message' && key !== 'body') return cleanValue(r, value);
    if (r.zrm && typeof template === 'string') return cleanValue(r, template);
    if (r.zrm || !(value instanceof String)) return content(r, value);
    // a parameterized message (a String object) is kept as it is unless it holds registered content
    const text = value.toString();
    const clean = cleanValue(r, text);
    return clean === text ? value : clean;
  });
}

/** A metric: its name and attributes cleaned; values, units and types are numbers and words. */
export function cleanMetric(r: Redaction, metric: unknown, typed: boolean): unknown {
  return cleanRecord(r, metric, (key, value) =>
    key === 'attributes' ? cleanAttributes(r, value, typed) : cleanValue(r, value),
  );
}

/** Replaces `target`'s fields by `clean`'s, for hooks that must change an object in place. */
export function assignInPlace(target: Fields, clean: unknown): void {
  if (clean === target || !isRecord(clean)) return;
  for (const key of Object.keys(target)) if (!(key in clean)) Reflect.deleteProperty(target, key);
  Object.assign(target, clean);
}
