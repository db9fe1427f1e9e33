import type { IncomingHttpHeaders } from 'node:http';
import { definePolicy, queryValues, type Policy, type RestrictionEvent } from '@zrm/core';
import { tenantOf, type VoiceApiConfig } from './config.js';

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

/** The agent a request talks to, from `/v1/agents/:agent_id/...` or `?agent_id=`. */
function agentOf(req: RequestLike): string | undefined {
  const url = req.originalUrl ?? req.url ?? '';
  const match = /^\/v1\/agents\/([A-Za-z0-9_-]+)/.exec(url);
  return match?.[1] ?? queryValues(url, 'agent_id')[0];
}

/**
 * The service's ZRM policy: tenants by API key, enterprise entitlement,
 * tenant- and agent-level forcing, the provider allow-list, and the stateful
 * parameters that cannot be combined with ZRM.
 */
export function voicePolicy(
  config: VoiceApiConfig,
  onRestricted?: (event: RestrictionEvent) => void,
): Policy {
  const tenant = (req: unknown) => {
    const name = tenantOf(config, apiKeyOf(req as RequestLike));
    return name === undefined ? undefined : { name, ...config.tenants[name]! };
  };
  return definePolicy({
    principal: (req) => tenant(req)?.name,
    entitled: (req) => tenant(req)?.entitled === true,
    force: (req) => {
      if (tenant(req)?.forceZeroRetention === true) return true;
      const agent = agentOf(req as RequestLike);
      return agent !== undefined && config.agents[agent]?.zeroRetention === true;
    },
    providers: config.providers.zeroRetentionAllowed,
    statefulParams: ['previous_request_ids', 'next_request_ids'],
    sensitiveKeys: ['voice_settings_text', 'pronunciation'],
    taint: { graceMs: 2_000 },
    ...(onRestricted ? { onRestricted } : {}),
  });
}
