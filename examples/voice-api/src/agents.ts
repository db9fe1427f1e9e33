import { randomBytes } from 'node:crypto';
import { ZrmError } from '@zrm/core';
import type { VoiceApiConfig } from './config.js';

type Json = Record<string, unknown>;

/** An agent as the vendor's API returns it (`GET /v1/convai/agents/:agent_id`), snake_case. */
export interface AgentResponse {
  agent_id: string;
  name: string;
  conversation_config: Json;
  platform_settings: Json;
  metadata: { created_at_unix_secs: number; updated_at_unix_secs: number };
  tags: string[];
}

/** One agent: its configuration as the client sent it, and the tenant it belongs to. */
interface Agent {
  id: string;
  tenant: string;
  name: string;
  conversationConfig: Json;
  platformSettings: Json;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

/** A create or update body, checked: what the client may set. */
export interface AgentSettings {
  name?: string;
  conversationConfig?: Json;
  platformSettings?: Json;
  tags?: string[];
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(param: string, message: string): ZrmError {
  return new ZrmError('invalid_request', message, { param });
}

function newAgentId(): string {
  let id = 'agent_';
  for (const byte of randomBytes(28)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** Objects are merged key by key (a PATCH changes what it names); anything else is replaced. */
function merged(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? merged(current, value) : value;
  }
  return out;
}

function read(value: Json, path: readonly string[]): unknown {
  let node: unknown = value;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

/** Checks a create or update body; errors name the field, never a value. */
export function readAgentSettings(body: unknown, creating: boolean): AgentSettings {
  if (!isObject(body)) throw invalid('body', 'The body must be a JSON object.');
  const settings: AgentSettings = {};
  const { name, conversation_config, platform_settings, tags } = body;
  if (name !== undefined) {
    if (typeof name !== 'string' || name.length > 200)
      throw invalid('name', '"name" must be a string of at most 200 characters.');
    settings.name = name;
  }
  if (conversation_config !== undefined || creating) {
    if (!isObject(conversation_config))
      throw invalid('conversation_config', '"conversation_config" must be an object.');
    settings.conversationConfig = conversation_config;
  }
  if (platform_settings !== undefined) {
    if (!isObject(platform_settings))
      throw invalid('platform_settings', '"platform_settings" must be an object.');
    const privacy = platform_settings.privacy;
    if (privacy !== undefined && !isObject(privacy))
      throw invalid('platform_settings.privacy', '"platform_settings.privacy" must be an object.');
    const zrm = privacy?.zero_retention_mode;
    if (zrm !== undefined && typeof zrm !== 'boolean') {
      throw invalid(
        'platform_settings.privacy.zero_retention_mode',
        '"zero_retention_mode" must be a boolean.',
      );
    }
    settings.platformSettings = platform_settings;
  }
  if (tags !== undefined) {
    if (!Array.isArray(tags) || tags.length > 50 || tags.some((t) => typeof t !== 'string'))
      throw invalid('tags', '"tags" must be a list of at most 50 strings.');
    settings.tags = tags as string[];
  }
  return settings;
}

/** Does this body turn the agent's "Zero Retention Mode" privacy toggle on? */
export function asksZeroRetention(settings: AgentSettings): boolean {
  return read(settings.platformSettings ?? {}, ['privacy', 'zero_retention_mode']) === true;
}

export function requireAgentId(value: unknown): string {
  if (typeof value !== 'string' || !AGENT_ID.test(value))
    throw invalid('agent_id', '"agent_id" must be 1 to 64 letters, digits, "_" or "-".');
  return value;
}

const notFound = (): ZrmError => new ZrmError('not_found', 'No such agent.');

/**
 * The service's agents, in memory like its tenants: created, read and updated
 * through the vendor's agent API, seeded from the tenants file. An agent whose
 * privacy settings turn on `zero_retention_mode` forces ZRM on every
 * conversation with it (see the policy).
 */
export class AgentStore {
  readonly #agents = new Map<string, Agent>();
  readonly #now: () => number;

  constructor(config: VoiceApiConfig, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.#now = now;
    for (const [id, seed] of Object.entries(config.agents)) {
      this.#agents.set(id, {
        id,
        tenant: seed.tenant,
        name: id,
        conversationConfig: { agent: { prompt: { llm: 'gemini-2.0-flash' } } },
        platformSettings: { privacy: { zero_retention_mode: seed.zeroRetention } },
        tags: [],
        createdAt: now(),
        updatedAt: now(),
      });
    }
  }

  create(tenant: string, settings: AgentSettings): AgentResponse {
    const at = this.#now();
    const agent: Agent = {
      id: newAgentId(),
      tenant,
      name: settings.name ?? '',
      conversationConfig: settings.conversationConfig ?? {},
      platformSettings: settings.platformSettings ?? {},
      tags: settings.tags ?? [],
      createdAt: at,
      updatedAt: at,
    };
    this.#agents.set(agent.id, agent);
    return wire(agent);
  }

  /** The tenant's agent; `not_found` for a missing one and for another tenant's alike. */
  get(tenant: string, id: string): AgentResponse {
    return wire(this.#owned(tenant, id));
  }

  update(tenant: string, id: string, settings: AgentSettings): AgentResponse {
    const agent = this.#owned(tenant, id);
    if (settings.name !== undefined) agent.name = settings.name;
    if (settings.tags !== undefined) agent.tags = settings.tags;
    if (settings.conversationConfig !== undefined)
      agent.conversationConfig = merged(agent.conversationConfig, settings.conversationConfig);
    if (settings.platformSettings !== undefined)
      agent.platformSettings = merged(agent.platformSettings, settings.platformSettings);
    agent.updatedAt = Math.max(this.#now(), agent.updatedAt);
    return wire(agent);
  }

  /** Is this agent's "Zero Retention Mode" on? Unknown agents: no (they are refused anyway). */
  forcesZeroRetention(id: string): boolean {
    const agent = this.#agents.get(id);
    return (
      agent !== undefined &&
      read(agent.platformSettings, ['privacy', 'zero_retention_mode']) === true
    );
  }

  /** What a conversation needs of the tenant's agent: its name, LLM, system prompt and first message. */
  conversationSettings(
    tenant: string,
    id: string,
  ): { name: string; llm: string; systemPrompt?: string; firstMessage?: string } {
    const agent = this.#owned(tenant, id);
    const text = (path: string[]) => {
      const value = read(agent.conversationConfig, path);
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const systemPrompt = text(['agent', 'prompt', 'prompt']);
    const firstMessage = text(['agent', 'first_message']);
    return {
      name: agent.name,
      llm: text(['agent', 'prompt', 'llm']) ?? 'gemini-2.0-flash',
      ...(systemPrompt !== undefined ? { systemPrompt } : {}),
      ...(firstMessage !== undefined ? { firstMessage } : {}),
    };
  }

  /** The agent's name, for conversation summaries; undefined when it is gone or not the tenant's. */
  nameOf(tenant: string, id: string): string | undefined {
    const agent = this.#agents.get(id);
    return agent?.tenant === tenant ? agent.name : undefined;
  }

  #owned(tenant: string, id: string): Agent {
    const agent = this.#agents.get(id);
    if (agent === undefined || agent.tenant !== tenant) throw notFound();
    return agent;
  }
}

function wire(agent: Agent): AgentResponse {
  return {
    agent_id: agent.id,
    name: agent.name,
    conversation_config: agent.conversationConfig,
    platform_settings: agent.platformSettings,
    metadata: { created_at_unix_secs: agent.createdAt, updated_at_unix_secs: agent.updatedAt },
    tags: agent.tags,
  };
}
