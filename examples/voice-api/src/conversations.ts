import { ZrmError } from '@zrm/core';
import type { HistoryStore, StoredHistoryItem } from '@zrm/history';

/** Who said a message of a conversation. */
export type Role = 'user' | 'agent';

export interface ConversationMessage {
  conversationId: string;
  agentId: string;
  role: Role;
  text: string;
  timeInCallSecs: number;
}

/** A conversation in the list (`GET /v1/convai/conversations`), as the vendor's API returns it. */
export interface ConversationSummary {
  agent_id: string;
  agent_name?: string;
  conversation_id: string;
  start_time_unix_secs: number;
  call_duration_secs: number;
  message_count: number;
  status: 'in-progress' | 'done';
  call_successful: 'unknown';
}

/** One conversation with its transcript (`GET /v1/convai/conversations/:conversation_id`). */
export interface ConversationDetail {
  agent_id: string;
  agent_name?: string;
  conversation_id: string;
  status: 'in-progress' | 'done';
  metadata: { start_time_unix_secs: number; call_duration_secs: number; text_only: true };
  has_audio: false;
  has_user_audio: false;
  has_response_audio: false;
  has_auxiliary_audio: false;
  transcript: { role: Role; message: string; time_in_call_secs: number }[];
}

const SOURCE = 'convai';
/** Bound on the items read to build the list: the example scans its history for conversations. */
const MAX_PAGES = 20;

function metaOf(item: StoredHistoryItem): { conversationId: string; agentId: string } | undefined {
  const meta = item.metadata;
  if (meta?.source !== SOURCE) return undefined;
  const { conversation_id: conversationId, agent_id: agentId } = meta;
  return typeof conversationId === 'string' && typeof agentId === 'string'
    ? { conversationId, agentId }
    : undefined;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Conversations with agents, kept in the service's history store like every
 * other generation (the vendor's history calls them `ConvAI`): one item per
 * message, its request id the conversation's id. The store is guarded, so a
 * conversation in ZRM — a ZRM agent's, or one opened with
 * `enable_logging=false` — writes nothing and is in no list.
 */
export class ConversationLog {
  /** Conversations whose websocket is open (ids only): their status is `in-progress`. */
  readonly #open = new Set<string>();

  constructor(private readonly history: HistoryStore) {}

  opened(conversationId: string): void {
    this.#open.add(conversationId);
  }

  closed(conversationId: string): void {
    this.#open.delete(conversationId);
  }

  /** Records one message; resolves once the store answered (nothing is stored in ZRM). */
  async record(owner: string, message: ConversationMessage): Promise<void> {
    await this.history.record({
      owner,
      requestId: message.conversationId,
      text: message.text,
      metadata: {
        source: SOURCE,
        conversation_id: message.conversationId,
        agent_id: message.agentId,
        role: message.role,
        time_in_call_secs: message.timeInCallSecs,
      },
    });
  }

  /** The owner's conversations, newest first, optionally of one agent. */
  async list(
    owner: string,
    agentId: string | undefined,
    nameOf: (agentId: string) => string | undefined,
  ): Promise<ConversationSummary[]> {
    const byId = new Map<string, { agentId: string; items: StoredHistoryItem[] }>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.history.list(owner, { limit: 1000, cursor });
      for (const item of result.items) {
        const meta = metaOf(item);
        if (meta === undefined || (agentId !== undefined && meta.agentId !== agentId)) continue;
        const entry = byId.get(meta.conversationId) ?? { agentId: meta.agentId, items: [] };
        entry.items.push(item);
        byId.set(meta.conversationId, entry);
      }
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return [...byId.entries()]
      .map(([conversationId, { agentId: agent, items }]) => {
        const { start, duration } = span(items);
        const name = nameOf(agent);
        return {
          agent_id: agent,
          ...(name !== undefined ? { agent_name: name } : {}),
          conversation_id: conversationId,
          start_time_unix_secs: start,
          call_duration_secs: duration,
          message_count: items.length,
          status: this.#open.has(conversationId) ? ('in-progress' as const) : ('done' as const),
          call_successful: 'unknown' as const,
        };
      })
      .sort((a, b) => b.start_time_unix_secs - a.start_time_unix_secs);
  }

  /** One conversation with its transcript; `not_found` when the owner has none by that id. */
  async get(
    owner: string,
    conversationId: string,
    nameOf: (agentId: string) => string | undefined,
  ): Promise<ConversationDetail> {
    const page = await this.history.list(owner, {
      limit: 1000,
      filters: { requestId: conversationId },
    });
    const items = page.items.filter((item) => metaOf(item) !== undefined).reverse();
    const first = items[0];
    if (first === undefined) throw new ZrmError('not_found', 'No such conversation.');
    const agentId = metaOf(first)!.agentId;
    const name = nameOf(agentId);
    const { start, duration } = span(items);
    return {
      agent_id: agentId,
      ...(name !== undefined ? { agent_name: name } : {}),
      conversation_id: conversationId,
      status: this.#open.has(conversationId) ? 'in-progress' : 'done',
      metadata: { start_time_unix_secs: start, call_duration_secs: duration, text_only: true },
      has_audio: false,
      has_user_audio: false,
      has_response_audio: false,
      has_auxiliary_audio: false,
      transcript: items.map((item) => ({
        role: item.metadata?.role === 'agent' ? 'agent' : 'user',
        message: item.text ?? '',
        time_in_call_secs: Number(item.metadata?.time_in_call_secs ?? 0),
      })),
    };
  }
}

function span(items: readonly StoredHistoryItem[]): { start: number; duration: number } {
  const times = items.map((item) => seconds(item.createdAt));
  const start = Math.min(...times);
  return { start, duration: Math.max(...times) - start };
}
