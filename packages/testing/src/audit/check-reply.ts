import type { PlannedRequest } from './plan.js';
import { readField } from './probe-url.js';
import type { ProbeReply } from './send-probe.js';
import type { FlagRowConfig, FlagRowResult, ProbeResult } from './types.js';

function errorCode(json: unknown): string | null {
  const code =
    readField(json, 'error.code') ?? readField(json, 'detail.status') ?? readField(json, 'code');
  return typeof code === 'string' ? code : null;
}

const enforced = (reply: ProbeReply): boolean => reply.zeroRetention?.toLowerCase() === 'enforced';

/** Content-free problems with a probe's answer: a failed request, or a mode the headers do not show. */
export function checkProbeReply(planned: PlannedRequest, reply: ProbeReply): ProbeResult {
  const problems: string[] = [];
  const websocket = planned.probe.body === 'websocket';
  const succeeded = websocket
    ? reply.status === 101 && reply.body.length > 0
    : reply.status >= 200 && reply.status < 300;
  if (reply.status === 0) problems.push('no answer (connection failed or timed out)');
  else if (!succeeded)
    problems.push(`status ${reply.status}, expected ${websocket ? '101 and a message' : '2xx'}`);
  if (planned.probe.checkHeaders ?? !websocket) {
    if (planned.mode === 'zrm') {
      if (!enforced(reply)) problems.push('ZRM response lacks "Zero-Retention: enforced"');
      if (!(reply.cacheControl ?? '').toLowerCase().includes('no-store')) {
        problems.push('ZRM response lacks "Cache-Control: no-store"');
      }
    } else if (enforced(reply)) {
      problems.push('ordinary response says "Zero-Retention: enforced"');
    }
  }
  return {
    probe: planned.probe.name,
    mode: planned.mode,
    closing: planned.closing,
    request: reply.request,
    status: reply.status,
    zeroRetentionHeader: reply.zeroRetention,
    cacheControl: reply.cacheControl,
    errorCode: errorCode(reply.json),
    problems,
  };
}

/** A flag-table row's answer against the row's expectation. */
export function checkFlagRow(
  planned: PlannedRequest,
  row: FlagRowConfig,
  reply: ProbeReply,
): FlagRowResult {
  const code = errorCode(reply.json);
  const zeroRetention = enforced(reply);
  // an accepted websocket upgrade (101) is the 2xx of a websocket probe
  const accepted =
    planned.probe.body === 'websocket' &&
    reply.status === 101 &&
    row.expect.status >= 200 &&
    row.expect.status < 300;
  const ok =
    (reply.status === row.expect.status || accepted) &&
    (row.expect.code === undefined || row.expect.code === code) &&
    (row.expect.zeroRetention === undefined || row.expect.zeroRetention === zeroRetention);
  return {
    row: row.name,
    query: row.query,
    apiKey: planned.apiKeyRole,
    expected: row.expect,
    status: reply.status,
    code,
    zeroRetention,
    ok,
  };
}
