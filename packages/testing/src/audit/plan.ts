import { randomBytes } from 'node:crypto';
import { createAudioCanary, createTextCanary } from '../canary.js';
import type { AudioCanary, TextCanary } from '../types.js';
import type { ApiKeyRole, AuditConfig, CanaryClass, FlagRowConfig, ProbeConfig } from './types.js';

/** One request the audit will send, with its canaries. */
export interface PlannedRequest {
  probe: ProbeConfig;
  label: string;
  mode: CanaryClass;
  query: string;
  apiKeyRole: ApiKeyRole;
  apiKey: string | undefined;
  text: TextCanary | undefined;
  audio: AudioCanary | undefined;
  /** Set for a flag-table row. */
  row: FlagRowConfig | undefined;
  /** The last request: an ordinary one whose canary shows that everything before it was exported. */
  closing: boolean;
}

function rowClass(row: FlagRowConfig): CanaryClass {
  if (row.expect.status >= 400) return 'rejected';
  return row.expect.zeroRetention === true ? 'zrm' : 'ordinary';
}

const KEY_OPTION: Record<Exclude<ApiKeyRole, 'default'>, string> = {
  unentitled: 'an API key whose principal may not use ZRM (--unentitled-api-key)',
  forced: 'an API key that policy forces into ZRM (--forced-api-key)',
};

function keyFor(config: AuditConfig, role: ApiKeyRole): string | undefined {
  if (role === 'unentitled') return config.unentitledApiKey;
  if (role === 'forced') return config.forcedApiKey;
  return config.apiKey;
}

/**
 * A text canary whose value does not spell its label. Labels share probe
 * names (`tts-stream-zrm`, `tts-stream-ordinary`), and zrm rightly scrubs any
 * 16-character run of a ZRM request's content from ordinary records while it
 * is in flight: a label inside the value would erase the ordinary twin.
 */
function textCanary(label: string): TextCanary {
  return Object.freeze({ ...createTextCanary(randomBytes(8).toString('hex')), label });
}

const AUDIO_TEMPLATE = '{{audio_base64}}';

function canaries(probe: ProbeConfig, label: string): Pick<PlannedRequest, 'text' | 'audio'> {
  const wantsText =
    probe.textField !== undefined ||
    probe.textQueryParam !== undefined ||
    probe.body === 'websocket';
  return {
    text: wantsText ? textCanary(label) : undefined,
    audio:
      probe.audioField !== undefined ||
      JSON.stringify(probe.messages ?? []).includes(AUDIO_TEMPLATE)
        ? createAudioCanary(`${label}-audio`)
        : undefined,
  };
}

function probeRequest(
  config: AuditConfig,
  probe: ProbeConfig,
  mode: 'ordinary' | 'zrm',
  closing = false,
): PlannedRequest {
  // without the flag, a forced endpoint is in ZRM all the same
  const forced = mode === 'ordinary' && probe.forcedZeroRetention === true;
  const label = `${probe.name}-${closing ? 'closing' : forced ? 'forced' : mode}`;
  return {
    probe,
    label,
    mode: forced ? 'zrm' : mode,
    query: mode === 'zrm' ? 'enable_logging=false' : '',
    apiKeyRole: 'default',
    apiKey: config.apiKey,
    ...canaries(probe, label),
    row: undefined,
    closing,
  };
}

/**
 * Every ordinary request first (each probe, then the ordinary flag rows), so
 * no ZRM content is in flight while ordinary content is served: zrm rightly
 * drops an ordinary record that carries an in-flight ZRM request's content,
 * and a service's derived content (synthesized audio) can repeat across
 * requests. Then the other flag rows, each probe in ZRM (a probe whose
 * endpoint forces ZRM is sent there twice: without the flag and with it); last, one closing
 * ordinary request to the flag probe: exporters send in order, so its
 * arrival shows that the batches holding everything before it have arrived.
 * Rows whose key is missing are skipped.
 */
export function planRequests(config: AuditConfig): {
  requests: PlannedRequest[];
  skipped: string[];
} {
  const skipped: string[] = [];
  const flagProbe = config.probes.find((p) => p.name === config.flagProbe);
  const rows: PlannedRequest[] = [];
  for (const row of flagProbe === undefined ? [] : config.flagRows) {
    const role = row.apiKey ?? 'default';
    const apiKey = keyFor(config, role);
    if (role !== 'default' && apiKey === undefined) {
      skipped.push(
        `flag row "${row.name}" was not sent: it needs ${KEY_OPTION[role]}, which was not given.`,
      );
      continue;
    }
    const label = `flag-${row.name}`;
    rows.push({
      probe: flagProbe!,
      label,
      mode: rowClass(row),
      query: row.query,
      apiKeyRole: role,
      apiKey,
      ...canaries(flagProbe!, label),
      row,
      closing: false,
    });
  }
  // the closing request is an ordinary one: never to a probe whose endpoint forces ZRM
  const closingProbe =
    flagProbe?.forcedZeroRetention === true || flagProbe === undefined
      ? config.probes.find((p) => p.forcedZeroRetention !== true)
      : flagProbe;
  const unflagged = config.probes.map((probe) => probeRequest(config, probe, 'ordinary'));
  const requests = [
    ...unflagged.filter((r) => r.mode === 'ordinary'),
    ...rows.filter((r) => r.mode === 'ordinary'),
    ...rows.filter((r) => r.mode !== 'ordinary'),
    ...unflagged.filter((r) => r.mode !== 'ordinary'),
    ...config.probes.map((probe) => probeRequest(config, probe, 'zrm')),
    ...(closingProbe === undefined ? [] : [probeRequest(config, closingProbe, 'ordinary', true)]),
  ];
  return { requests, skipped };
}
