import {
  cleanField,
  cleanFields,
  cleanHeaders,
  cleanName,
  cleanQuery,
  cleanUrl,
} from './fields.js';
import {
  cleanList,
  cleanRecord,
  cleanValue,
  content,
  isRecord,
  type Redaction,
} from './redaction.js';
import type { Fields } from './types.js';

/** The tag every ZRM event (and attribute every ZRM span, log record and metric) carries, so that what arrives can be told apart. */
export const ZERO_RETENTION_TAG = 'zrm.zero_retention';

const CLASS_NAME = /^[A-Za-z_$][\w$.]{0,63}$/;
/** Sentry's span statuses are short snake-case words; anything else is a status message. */
const SPAN_STATUS = /^[a-z_]{1,32}$/;
/** What a ZRM request keeps of its request data (the rest is content: body, query, cookies). */
const ZRM_REQUEST_FIELDS: ReadonlySet<string> = new Set(['url', 'method', 'headers', 'env']);

function cleanStatus(r: Redaction, status: unknown): unknown {
  if (r.zrm && typeof status === 'string' && !SPAN_STATUS.test(status)) {
    r.replaced++;
    return 'internal_error';
  }
  return cleanValue(r, status);
}

function cleanFrame(r: Redaction, frame: unknown): unknown {
  if (!r.zrm) return cleanValue(r, frame);
  return cleanRecord(r, frame, (key, value) => {
    // local variables hold the request's values; code locations and source lines are kept
    if (key !== 'vars') return cleanValue(r, value);
    r.replaced++;
    return undefined;
  });
}

function cleanStacktrace(r: Redaction, stacktrace: unknown): unknown {
  return cleanRecord(r, stacktrace, (key, value) =>
    key === 'frames' ? cleanList(r, value, (frame) => cleanFrame(r, frame)) : cleanValue(r, value),
  );
}

/** An exception keeps its class name, mechanism and frames; its value (the message) is content. */
function cleanException(r: Redaction, exception: unknown): unknown {
  return cleanRecord(r, exception, (key, value) => {
    switch (key) {
      case 'value':
        return content(r, value);
      case 'type':
        if (!r.zrm || (typeof value === 'string' && CLASS_NAME.test(value)))
          return cleanValue(r, value);
        r.replaced++;
        return 'Error';
      case 'stacktrace':
        return cleanStacktrace(r, value);
      default:
        return cleanValue(r, value);
    }
  });
}

function cleanValues(r: Redaction, container: unknown, item: (value: unknown) => unknown): unknown {
  return cleanRecord(r, container, (key, value) =>
    key === 'values' ? cleanList(r, value, item) : cleanValue(r, value),
  );
}

function cleanThread(r: Redaction, thread: unknown): unknown {
  return cleanRecord(r, thread, (key, value) =>
    key === 'stacktrace' ? cleanStacktrace(r, value) : cleanValue(r, value),
  );
}

/** A parameterized message keeps its template (cleaned) and loses its parameters; a bare one is content. */
function cleanLogentry(r: Redaction, logentry: unknown): unknown {
  if (!r.zrm || !isRecord(logentry)) return r.zrm ? content(r, logentry) : cleanValue(r, logentry);
  const params = logentry.params;
  const parameterized = Array.isArray(params) && params.length > 0;
  return cleanRecord(r, logentry, (key, value) => {
    if (key === 'params') return cleanList(r, value, (param) => content(r, param));
    if (key === 'message' && !parameterized) return content(r, value);
    return cleanValue(r, value);
  });
}

/** Request data: in ZRM only the method, URL (cleaned), headers (safe ones' values) and env stay. */
export function cleanRequest(r: Redaction, request: unknown): unknown {
  if (r.zrm && !isRecord(request)) return undefined;
  return cleanRecord(r, request, (key, value) => {
    if (r.zrm && !ZRM_REQUEST_FIELDS.has(key)) {
      if (value !== undefined) r.replaced++;
      return undefined;
    }
    switch (key) {
      case 'url':
        return cleanUrl(r, value);
      case 'headers':
        return cleanHeaders(r, value);
      case 'query_string':
        return cleanQuery(r, value);
      default:
        return cleanValue(r, value);
    }
  });
}

/** A breadcrumb keeps its type, category, level and time; its message is content, its data is cleaned by key. */
export function cleanBreadcrumb(r: Redaction, breadcrumb: unknown): unknown {
  return cleanRecord(r, breadcrumb, (key, value) => {
    if (key === 'message') return content(r, value);
    if (key === 'data') return cleanFields(r, value);
    return cleanValue(r, value);
  });
}

function markData(r: Redaction, data: unknown): unknown {
  return r.zrm && isRecord(data) ? { ...data, [ZERO_RETENTION_TAG]: true } : data;
}

/** A transaction's child span (JSON): name and data cleaned, a status message replaced. */
function cleanSpan(r: Redaction, span: unknown): unknown {
  return cleanRecord(r, span, (key, value) => {
    switch (key) {
      case 'description':
        return cleanName(r, value);
      case 'data':
        return markData(r, cleanFields(r, value));
      case 'status':
        return cleanStatus(r, value);
      default:
        return cleanValue(r, value);
    }
  });
}

function cleanContexts(r: Redaction, contexts: unknown): unknown {
  return cleanRecord(r, contexts, (name, context) =>
    name === 'trace' ? cleanSpan(r, context) : cleanField(r, name, context),
  );
}

/** The trace header of an envelope (the dynamic sampling context): its transaction name is a name. */
export function cleanSamplingContext(r: Redaction, dsc: unknown): unknown {
  return cleanRecord(r, dsc, (key, value) =>
    key === 'transaction' ? cleanName(r, value) : cleanValue(r, value),
  );
}

/** Not sent (deleted before the envelope), but later processors read it: its request is cleaned too; scopes are not walked. */
function cleanProcessingMetadata(r: Redaction, metadata: unknown): unknown {
  if (!isRecord(metadata)) return metadata;
  const out: Fields = { ...metadata };
  if ('normalizedRequest' in out) out.normalizedRequest = cleanRequest(r, out.normalizedRequest);
  if ('dynamicSamplingContext' in out)
    out.dynamicSamplingContext = cleanSamplingContext(r, out.dynamicSamplingContext);
  return out;
}

function cleanEventField(r: Redaction, key: string, value: unknown): unknown {
  switch (key) {
    case 'exception':
      return cleanValues(r, value, (exception) => cleanException(r, exception));
    case 'threads':
      return cleanValues(r, value, (thread) => cleanThread(r, thread));
    case 'stacktrace':
      return cleanStacktrace(r, value);
    case 'message':
      return content(r, value);
    case 'logentry':
      return cleanLogentry(r, value);
    case 'request':
      return cleanRequest(r, value);
    case 'breadcrumbs':
      return cleanList(r, value, (breadcrumb) => cleanBreadcrumb(r, breadcrumb));
    case 'spans':
      return cleanList(r, value, (span) => cleanSpan(r, span));
    case 'contexts':
      return cleanContexts(r, value);
    case 'transaction':
      return cleanName(r, value);
    case 'sdkProcessingMetadata':
      return cleanProcessingMetadata(r, value);
    default:
      return cleanValue(r, value);
  }
}

/**
 * An event (error, message, transaction), cleaned field by field. In ZRM:
 * exception values, messages, breadcrumb messages, request bodies, query
 * strings, cookies and unsafe header values are replaced; exception types,
 * stack frames, span names and ids, routes, status codes and durations stay;
 * every other value is redacted by key and registered content, and the event
 * is tagged `zrm.zero_retention`. Elsewhere only registered content of
 * in-flight ZRM requests is removed. Always a new object; `event` is not changed.
 */
export function cleanEvent(r: Redaction, event: Fields): Fields {
  const out: Fields = {};
  for (const key of Object.keys(event)) {
    const value = cleanEventField(r, key, event[key]);
    if (value !== undefined) out[key] = value;
  }
  if (r.zrm) {
    const tags = isRecord(out.tags) ? out.tags : {};
    out.tags = { ...tags, [ZERO_RETENTION_TAG]: 'true' };
  }
  return out;
}
