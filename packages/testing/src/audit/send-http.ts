import { apiKeyHeaders, probeUrl, withField } from './probe-url.js';
import { parseJson, queryOf } from './probe-reply.js';
import type { ProbeReply, ProbeSend } from './probe-reply.js';
import type { AuditConfig } from './types.js';

function requestBody(send: ProbeSend): { body?: string | FormData; type?: string } {
  const { probe, text, audio } = send;
  const fields = probe.fields ?? {};
  if (probe.body === 'json') {
    const json =
      text !== undefined && probe.textField !== undefined
        ? withField(fields, probe.textField, text.value)
        : fields;
    return { body: JSON.stringify(json), type: 'application/json' };
  }
  if (probe.body === 'multipart') {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields))
      form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    if (text !== undefined && probe.textField !== undefined)
      form.append(probe.textField, text.value);
    if (audio !== undefined && probe.audioField !== undefined) {
      form.append(
        probe.audioField,
        new Blob([Buffer.from(audio.bytes)], { type: 'audio/wav' }),
        'probe.wav',
      );
    }
    return { body: form };
  }
  return {};
}

/** One HTTP probe: JSON, multipart or no body. */
export async function sendHttp(config: AuditConfig, send: ProbeSend): Promise<ProbeReply> {
  const url = probeUrl(config.baseUrl, send.probe.path, config.params, queryOf(send));
  const method = send.probe.method ?? (send.probe.body === 'none' ? 'GET' : 'POST');
  const headers: Record<string, string> = {
    accept: '*/*',
    ...apiKeyHeaders(config, send.apiKey),
  };
  const { body, type } = requestBody(send);
  if (type !== undefined) headers['content-type'] = type;
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(config.timeoutMs),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    request: `${method} ${url.pathname}`,
    status: response.status,
    zeroRetention: response.headers.get('zero-retention'),
    cacheControl: response.headers.get('cache-control'),
    body: bytes,
    json: parseJson(bytes),
  };
}
