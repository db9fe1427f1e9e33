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
}

function rowClass(row: FlagRowConfig): CanaryClass {
  if (row.expect.status >= 400) return 'rejected';
  return row.expect.zeroRetention === true ? 'zrm' : 'ordinary';
}

function keyFor(config: AuditConfig, role: ApiKeyRole): string | undefined {
  if (role === 'unentitled') return config.unentitledApiKey;
  if (role === 'forced') return config.forcedApiKey;
  return config.apiKey;
}

const AUDIO_TEMPLATE = '{{audio_base64}}';

function canaries(probe: ProbeConfig, label: string): Pick<PlannedRequest, 'text' | 'audio'> {
  const wantsText =
    probe.textField !== undefined ||
    probe.textQueryParam !== undefined ||
    probe.body === 'websocket';
  return {
    text: wantsText ? createTextCanary(label) : undefined,
    audio:
      probe.audioField !== undefined ||
      JSON.stringify(probe.messages ?? []).includes(AUDIO_TEMPLATE)
        ? createAudioCanary(`${label}-audio`)
        : undefined,
  };
}

/** Every probe ordinarily (a forced one: without the flag) and in ZRM, then each flag row on the flag probe; rows whose key is missing are skipped. */
export function planRequests(config: AuditConfig): {
  requests: PlannedRequest[];
  skipped: string[];
} {
  const requests: PlannedRequest[] = [];
  const skipped: string[] = [];
  for (const probe of config.probes) {
    for (const mode of ['ordinary', 'zrm'] as const) {
      // without the flag, a forced endpoint is in ZRM all the same
      const forced = mode === 'ordinary' && probe.forcedZeroRetention === true;
      const label = `${probe.name}-${forced ? 'forced' : mode}`;
      requests.push({
        probe,
        label,
        mode: forced ? 'zrm' : mode,
        query: mode === 'zrm' ? 'enable_logging=false' : '',
        apiKeyRole: 'default',
        apiKey: config.apiKey,
        ...canaries(probe, label),
        row: undefined,
      });
    }
  }
  const flagProbe = config.probes.find((p) => p.name === config.flagProbe);
  if (flagProbe === undefined) return { requests, skipped };
  for (const row of config.flagRows) {
    const role = row.apiKey ?? 'default';
    const apiKey = keyFor(config, role);
    if (role !== 'default' && apiKey === undefined) {
      skipped.push(`flag row "${row.name}" skipped: no ${role} API key given`);
      continue;
    }
    const label = `flag-${row.name}`;
    requests.push({
      probe: flagProbe,
      label,
      mode: rowClass(row),
      query: row.query,
      apiKeyRole: role,
      apiKey,
      ...canaries(flagProbe, label),
      row,
    });
  }
  return { requests, skipped };
}
