import type { IncomingHttpHeaders } from 'node:http';
import {
  DEFAULT_SAFE_QUERY_PARAMS,
  definePolicy,
  type Policy,
  type RestrictionEvent,
} from '@zrm/core';
import { queryValues } from '@zrm/core/adapter';
import type { AgentStore } from './agents.js';
import { tenantOf, type VoiceApiConfig } from './config.js';
import type { SignedUrls } from './signed-urls.js';

/** Anything with headers and a URL: Node's request, Express's, Fastify's. */
interface RequestLike {
  headers: IncomingHttpHeaders;
  url?: string | undefined;
  originalUrl?: string;
}

export const API_KEY_HEADER = 'xi-api-key';

export function apiKeyOf(req: RequestLike): string | undefined {
  const key = req.headers[API_KEY_HEADER];
  return typeof key === 'string' ? key : undefined;
}

/** The agent conversation websocket: its turns are the agent's, and the agent's privacy settings apply. */
const CONVERSATION = /^\/v1\/convai\/conversation(?:\?|$)/;

/** The agent a conversation talks to (`/v1/convai/conversation?agent_id=`); undefined on every other route. */
export function conversationAgentOf(url: string): string | undefined {
  return CONVERSATION.test(url) ? queryValues(url, 'agent_id')[0] : undefined;
}

/** What the policy looks up besides the tenants file: agents and conversation URL signatures. */
export interface PolicyDirectory {
  agents: AgentStore;
  signedUrls: SignedUrls;
}

/**
 * The tenant of a request: by its API key, or, for a conversation opened with
 * a signed URL, by the URL's signature.
 */
export function tenantOfRequest(
  config: VoiceApiConfig,
  signedUrls: SignedUrls,
  req: RequestLike,
): string | undefined {
  const byKey = tenantOf(config, apiKeyOf(req));
  if (byKey !== undefined) return byKey;
  const url = req.originalUrl ?? req.url ?? '';
  const agent = conversationAgentOf(url);
  const signature = queryValues(url, 'conversation_signature')[0];
  return agent === undefined || signature === undefined
    ? undefined
    : signedUrls.verify(signature, agent);
}

/** Query parameters that are settings, not content: kept in ZRM URLs and never registered as content. */
const SAFE_QUERY_PARAMS = [
  ...DEFAULT_SAFE_QUERY_PARAMS,
  'agent_id',
  'audio_format',
  'commit_strategy',
  'include_timestamps',
  'vad_silence_threshold_secs',
  'page_size',
];

/**
 * The service's ZRM policy: tenants by API key, enterprise entitlement,
 * tenant-level forcing and the per-agent "Zero Retention Mode" toggle, the
 * provider allow-list, and the stateful parameters that cannot be combined
 * with ZRM.
 */
export function voicePolicy(
  config: VoiceApiConfig,
  directory: PolicyDirectory,
  onRestricted?: (event: RestrictionEvent) => void,
): Policy {
  const tenant = (req: unknown) => {
    const name = tenantOfRequest(config, directory.signedUrls, req as RequestLike);
    return name === undefined ? undefined : { name, ...config.tenants[name]! };
  };
  return definePolicy({
    principal: (req) => tenant(req)?.name,
    entitled: (req) => tenant(req)?.entitled === true,
    force: (req) => {
      if (tenant(req)?.forceZeroRetention === true) return true;
      const r = req as RequestLike;
      const agent = conversationAgentOf(r.originalUrl ?? r.url ?? '');
      return agent !== undefined && directory.agents.forcesZeroRetention(agent);
    },
    providers: config.providers.zeroRetentionAllowed,
    statefulParams: ['previous_request_ids', 'next_request_ids'],
    sensitiveKeys: ['voice_settings_text', 'pronunciation', 'audio_base_64'],
    safeQueryParams: SAFE_QUERY_PARAMS,
    taint: { graceMs: 2_000 },
    ...(onRestricted ? { onRestricted } : {}),
  });
}
