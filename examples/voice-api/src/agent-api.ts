import { resolveZeroRetention, ZrmError } from '@zrm/core';
import {
  asksZeroRetention,
  readAgentSettings,
  requireAgentId,
  type AgentResponse,
} from './agents.js';
import type { ConversationDetail, ConversationSummary } from './conversations.js';
import { pageSize, type RequestContext, type Services } from './services.js';

/**
 * Turning an agent's "Zero Retention Mode" on asks for ZRM: the design's one
 * decision answers it, so a tenant that is not entitled gets 403
 * `zero_retention_not_allowed` and the policy's `onRestricted` hook (the
 * account admin's notification) is called.
 */
async function mayTurnOnZeroRetention(s: Services, ctx: RequestContext): Promise<void> {
  const entitled = s.policy.entitled === undefined ? true : await s.policy.entitled(ctx.req);
  resolveZeroRetention(
    { enableLogging: 'false', entitled, principal: s.policy.principal?.(ctx.req) },
    s.policy,
  );
}

/** `POST /v1/convai/agents/create`. */
export async function createAgent(
  s: Services,
  ctx: RequestContext,
  body: unknown,
): Promise<{ agent_id: string }> {
  const settings = readAgentSettings(body, true);
  if (asksZeroRetention(settings)) await mayTurnOnZeroRetention(s, ctx);
  const agent = s.agents.create(ctx.tenant, settings);
  ctx.log.info({ agent_id: agent.agent_id }, 'agent created');
  return { agent_id: agent.agent_id };
}

/** `GET /v1/convai/agents/:agent_id`. */
export function getAgent(s: Services, ctx: RequestContext, agentId: unknown): AgentResponse {
  return s.agents.get(ctx.tenant, requireAgentId(agentId));
}

/** `PATCH /v1/convai/agents/:agent_id`: a partial update, privacy toggle included. */
export async function updateAgent(
  s: Services,
  ctx: RequestContext,
  agentId: unknown,
  body: unknown,
): Promise<AgentResponse> {
  const id = requireAgentId(agentId);
  const settings = readAgentSettings(body, false);
  s.agents.get(ctx.tenant, id); // not_found before any entitlement question
  if (asksZeroRetention(settings)) await mayTurnOnZeroRetention(s, ctx);
  const agent = s.agents.update(ctx.tenant, id, settings);
  ctx.log.info(
    { agent_id: id, zero_retention_mode: s.agents.forcesZeroRetention(id) },
    'agent updated',
  );
  return agent;
}

/** `GET /v1/convai/conversation/get-signed-url?agent_id=`: a URL that opens a conversation without the API key. */
export function signedConversationUrl(
  s: Services,
  ctx: RequestContext,
  agentId: unknown,
  host: string | undefined,
): { signed_url: string } {
  const id = requireAgentId(agentId);
  s.agents.get(ctx.tenant, id);
  if (host === undefined || !/^[A-Za-z0-9.:[\]-]+$/.test(host))
    throw new ZrmError('invalid_request', 'A valid Host header is required.', { param: 'host' });
  const signature = s.signedUrls.sign(ctx.tenant, id);
  const query = new URLSearchParams({ agent_id: id, conversation_signature: signature });
  return { signed_url: `ws://${host}/v1/convai/conversation?${query.toString()}` };
}

/** `GET /v1/convai/conversations?agent_id=&page_size=&cursor=`: a ZRM agent's list stays empty. */
export async function listConversations(
  s: Services,
  ctx: RequestContext,
  query: { agent_id?: unknown; page_size?: unknown; cursor?: unknown },
): Promise<{ conversations: ConversationSummary[]; has_more: boolean; next_cursor?: string }> {
  const agentId = query.agent_id === undefined ? undefined : requireAgentId(query.agent_id);
  const size = pageSize(query.page_size, 30, 100);
  const all = await s.conversations.list(ctx.tenant, agentId, (id) =>
    s.agents.nameOf(ctx.tenant, id),
  );
  // the cursor is the id of the last conversation of the previous page
  let after = 0;
  if (typeof query.cursor === 'string' && query.cursor !== '') {
    after = all.findIndex((c) => c.conversation_id === query.cursor) + 1;
    if (after === 0)
      throw new ZrmError('invalid_request', '"cursor" is not a cursor of this list.', {
        param: 'cursor',
      });
  }
  const conversations = all.slice(after, after + size);
  const more = after + size < all.length;
  const last = conversations.at(-1)?.conversation_id;
  return {
    conversations,
    has_more: more,
    ...(more && last !== undefined ? { next_cursor: last } : {}),
  };
}

const CONVERSATION_ID = /^conv_[A-Za-z0-9]{1,64}$/;

/** `GET /v1/convai/conversations/:conversation_id`: the transcript; 404 for one that was never kept. */
export async function getConversation(
  s: Services,
  ctx: RequestContext,
  conversationId: unknown,
): Promise<ConversationDetail> {
  if (typeof conversationId !== 'string' || !CONVERSATION_ID.test(conversationId))
    throw new ZrmError('not_found', 'No such conversation.');
  return s.conversations.get(ctx.tenant, conversationId, (id) => s.agents.nameOf(ctx.tenant, id));
}
