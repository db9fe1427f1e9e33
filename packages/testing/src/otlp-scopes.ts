/** Reads a protobuf varint at `at`; returns [value, next offset], or undefined past the end. */
function varint(bytes: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 0, i = at; i < bytes.length && shift < 35; shift += 7, i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, i + 1];
  }
  return undefined;
}

/** The length-delimited fields numbered `field` of one protobuf message. */
function fields(bytes: Uint8Array, field: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const key = varint(bytes, at);
    if (key === undefined) return out;
    const [tag, next] = key;
    const wire = tag & 7;
    at = next;
    if (wire === 0) at = varint(bytes, at)?.[1] ?? bytes.length;
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint(bytes, at);
      if (length === undefined || length[1] + length[0] > bytes.length) return out;
      if (tag >>> 3 === field) out.push(bytes.subarray(length[1], length[1] + length[0]));
      at = length[1] + length[0];
    } else return out; // groups are not used by OTLP: stop rather than guess
  }
  return out;
}

const SCOPE_KEYS = ['scopeSpans', 'scopeLogs', 'scopeMetrics'];

function jsonScopes(text: string): string[] {
  const names: string[] = [];
  const request = JSON.parse(text) as Record<string, unknown>;
  for (const resource of Object.values(request).flat() as Record<string, unknown>[])
    for (const key of SCOPE_KEYS)
      for (const scoped of (resource?.[key] ?? []) as { scope?: { name?: unknown } }[])
        if (typeof scoped.scope?.name === 'string') names.push(scoped.scope.name);
  return names;
}

/**
 * The instrumentation scope names in one OTLP export request (traces, logs or
 * metrics, protobuf or JSON): resource → scoped items (field 2) → scope
 * (field 1) → name (field 1), the same numbers for all three signals.
 */
export function otlpScopeNames(body: Uint8Array, contentType: string): string[] {
  try {
    if (contentType.includes('json')) return jsonScopes(Buffer.from(body).toString('utf8'));
    const decoder = new TextDecoder();
    return fields(body, 1)
      .flatMap((resource) => fields(resource, 2))
      .flatMap((scoped) => fields(scoped, 1))
      .flatMap((scope) => fields(scope, 1).map((name) => decoder.decode(name)));
  } catch {
    return []; // an unreadable body names no scope; its bytes are still scanned
  }
}
