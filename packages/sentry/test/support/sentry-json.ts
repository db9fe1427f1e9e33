/** The parts of Sentry's envelope payloads the tests read (parsed JSON, loosely typed). */
export interface FrameJson {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
}

export interface ExceptionJson {
  type?: string;
  value?: string;
  mechanism?: { type?: string; source?: string };
  stacktrace: { frames: FrameJson[] };
}

export interface BreadcrumbJson {
  category?: string;
  level?: string;
  message?: string;
  data?: Record<string, unknown>;
}

export interface RequestJson {
  method?: string;
  url?: string;
  headers: Record<string, unknown>;
  data?: string;
  cookies?: Record<string, string>;
  query_string?: string;
}

export interface EventJson {
  level?: string;
  message?: string;
  transaction?: string;
  exception: { values: ExceptionJson[] };
  request: RequestJson;
  breadcrumbs: BreadcrumbJson[];
  tags: Record<string, string>;
  extra?: Record<string, unknown>;
  contexts: Record<string, unknown> & { trace: { data: Record<string, unknown> } };
  spans: { description?: string; data?: Record<string, unknown> }[];
}

/** A span as the tests compare them: a streamed span, or a transaction's root or child span. */
export interface SpanJson {
  name?: string;
  attributes?: Record<string, unknown>;
}

export interface LogJson {
  body?: string;
  attributes?: Record<string, unknown>;
}

export interface ClientReportJson {
  discarded_events: { reason: string; category: string; quantity: number }[];
}

/** A record list item (`span`, `log`): `{ items: [...] }`. */
export interface RecordsJson<T> {
  items: T[];
}

/** An attribute's value, whether serialized (`{ value, type }`) or plain. */
export function attribute(span: SpanJson | LogJson, key: string): unknown {
  const value = span.attributes?.[key];
  return typeof value === 'object' && value !== null && 'value' in value ? value.value : value;
}
