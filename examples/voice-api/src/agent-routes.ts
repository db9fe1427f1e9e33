import {
  createAgent,
  getAgent,
  getConversation,
  listConversations,
  signedConversationUrl,
  updateAgent,
} from './agent-api.js';
import type { RequestContext, Services } from './services.js';

/** What a JSON route reads of its request, whichever framework parsed it. */
export interface RouteInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  host: string | undefined;
}

/** A route answering JSON; the Express and the Fastify app register the same table. */
export interface JsonRoute {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  handle(s: Services, ctx: RequestContext, input: RouteInput): unknown;
}

/** The vendor's agent API: agents, signed conversation URLs, conversations. */
export const AGENT_ROUTES: readonly JsonRoute[] = [
  {
    method: 'POST',
    path: '/v1/convai/agents/create',
    handle: (s, ctx, { body }) => createAgent(s, ctx, body),
  },
  {
    method: 'GET',
    path: '/v1/convai/agents/:agent_id',
    handle: (s, ctx, { params }) => getAgent(s, ctx, params.agent_id),
  },
  {
    method: 'PATCH',
    path: '/v1/convai/agents/:agent_id',
    handle: (s, ctx, { params, body }) => updateAgent(s, ctx, params.agent_id, body),
  },
  {
    method: 'GET',
    path: '/v1/convai/conversation/get-signed-url',
    handle: (s, ctx, { query, host }) => signedConversationUrl(s, ctx, query.agent_id, host),
  },
  {
    method: 'GET',
    path: '/v1/convai/conversations',
    handle: (s, ctx, { query }) => listConversations(s, ctx, query),
  },
  {
    method: 'GET',
    path: '/v1/convai/conversations/:conversation_id',
    handle: (s, ctx, { params }) => getConversation(s, ctx, params.conversation_id),
  },
];
