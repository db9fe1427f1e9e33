import { readFileSync } from 'node:fs';
import { ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Framework } from '../../src/index.js';
import { converse, refusedTurn } from './sdk-sessions.js';
import {
  AGENT_SINKS,
  HOBBY,
  found,
  startMonitoredService,
  textCanary,
  type MonitoredService,
} from './service.js';

/** The error the SDK threw: its status and the service's JSON body. */
async function failure(call: Promise<unknown>): Promise<{ status?: number; body: unknown }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ElevenLabsError) return { status: error.statusCode, body: error.body };
    throw error;
  }
  throw new Error('the call succeeded');
}

/** What the stand-in LLM quotes back. */
const lastWords = (text: string): string => text.split(' ').slice(-5).join(' ');

const NURSE = {
  name: 'Triage nurse',
  conversationConfig: {
    agent: {
      firstMessage: 'Hello, how can I help?',
      prompt: { prompt: 'You triage patients.', llm: 'claude-sonnet-4-5' as const },
    },
  },
};

/** The agent API, conversations and their sinks, through the official SDK against the service on `framework`. */
export function describeAgents(framework: Framework): void {
  describe(`agents and their conversations through the official SDK (${framework})`, () => {
    let service: MonitoredService;

    beforeAll(async () => {
      service = await startMonitoredService(false, framework);
    });
    afterAll(async () => service?.close());

    it('creates, reads and updates an agent; the privacy toggle turns Zero Retention Mode on and off', async () => {
      const agents = service.client().conversationalAi.agents;
      const { agentId } = await agents.create(NURSE);
      const created = await agents.get(agentId);
      expect(created.name).toBe('Triage nurse');
      expect(created.conversationConfig.agent?.prompt?.llm).toBe('claude-sonnet-4-5');
      expect(created.conversationConfig.agent?.firstMessage).toBe('Hello, how can I help?');
      expect(created.platformSettings?.privacy?.zeroRetentionMode).toBeUndefined();

      const on = await agents.update(agentId, {
        platformSettings: { privacy: { zeroRetentionMode: true } },
      });
      expect(on.platformSettings?.privacy?.zeroRetentionMode).toBe(true);
      expect((await agents.get(agentId)).platformSettings?.privacy?.zeroRetentionMode).toBe(true);
      // a partial update keeps what it does not name
      expect(on.conversationConfig.agent?.prompt?.prompt).toBe('You triage patients.');

      const off = await agents.update(agentId, {
        platformSettings: { privacy: { zeroRetentionMode: false } },
      });
      expect(off.platformSettings?.privacy?.zeroRetentionMode).toBe(false);
      expect(service.adminNotices).toEqual([]);
    });

    it('refuses Zero Retention Mode to a tenant that is not entitled (403 zero_retention_not_allowed) and notifies the account admin', async () => {
      const agents = service.client(HOBBY).conversationalAi.agents;
      const asCreate = await failure(
        agents.create({ ...NURSE, platformSettings: { privacy: { zeroRetentionMode: true } } }),
      );
      expect(asCreate.status).toBe(403);
      expect(asCreate.body).toMatchObject({ error: { code: 'zero_retention_not_allowed' } });

      const { agentId } = await agents.create(NURSE);
      const asUpdate = await failure(
        agents.update(agentId, { platformSettings: { privacy: { zeroRetentionMode: true } } }),
      );
      expect(asUpdate.status).toBe(403);
      expect(asUpdate.body).toMatchObject({ error: { code: 'zero_retention_not_allowed' } });
      expect(
        (await agents.get(agentId)).platformSettings?.privacy?.zeroRetentionMode,
      ).toBeUndefined();
      // turning it off is no request for ZRM
      await agents.update(agentId, { platformSettings: { privacy: { zeroRetentionMode: false } } });

      expect(service.adminNotices).toEqual([
        { code: 'zero_retention_not_allowed', principal: 'hobby-studio' },
        { code: 'zero_retention_not_allowed', principal: 'hobby-studio' },
      ]);
      const notices = readFileSync(service.api.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('notify the account admin'));
      expect(notices).toHaveLength(2);
      expect(notices.every((line) => line.includes('"principal":"hobby-studio"'))).toBe(true);
    });

    it("answers another tenant's agent and bad settings with content-free errors", async () => {
      const { agentId } = await service.client().conversationalAi.agents.create(NURSE);
      const foreign = await failure(service.client(HOBBY).conversationalAi.agents.get(agentId));
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ error: { code: 'not_found' } });

      const secret = textCanary();
      const response = await fetch(`${service.api.url}/v1/convai/agents/${agentId}`, {
        method: 'PATCH',
        headers: { 'xi-api-key': 'sk_demo_acme_health', 'content-type': 'application/json' },
        body: JSON.stringify({
          platform_settings: { privacy: { zero_retention_mode: secret.value } },
        }),
      });
      expect(response.status).toBe(400);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({
        error: { code: 'invalid_request', param: 'platform_settings.privacy.zero_retention_mode' },
      });
      expect(found(body, secret)).toBe(false);
      expect(found(readFileSync(service.api.logFile), secret)).toBe(false);
    });

    it("keeps an ordinary agent's conversation: listed with its transcript, and its content in every sink", async () => {
      const client = service.client();
      const { agentId } = await client.conversationalAi.agents.create(NURSE);
      const said = textCanary();
      const { conversationId, replies, speech } = await converse(client, agentId, [said.value], 1);
      expect(replies[0]).toBe('Hello, how can I help?');
      expect(replies[1]).toBe(`You said "${lastWords(said.value)}" (claude)`);
      expect(speech.length).toBeGreaterThan(0);

      const list = await client.conversationalAi.conversations.list({ agentId });
      expect(list.conversations.map((c) => c.conversationId)).toEqual([conversationId]);
      expect(list.conversations[0]).toMatchObject({ agentName: 'Triage nurse', messageCount: 3 });
      const detail = await client.conversationalAi.conversations.get(conversationId);
      expect(detail.agentId).toBe(agentId);
      expect(detail.transcript.map((t) => [t.role, t.message])).toEqual([
        ['agent', 'Hello, how can I help?'],
        ['user', said.value],
        ['agent', replies[1]],
      ]);
      expect(await service.missing(said, AGENT_SINKS)).toEqual([]);
    });

    it("a ZRM agent's turn (no flag in the request) leaves no canary in any sink, and its conversation list stays empty", async () => {
      const client = service.client();
      const agents = client.conversationalAi.agents;
      const { agentId: zrmAgent } = await agents.create(NURSE);
      await agents.update(zrmAgent, { platformSettings: { privacy: { zeroRetentionMode: true } } });
      const secret = textCanary();
      const zrm = await converse(client, zrmAgent, [secret.value], 1);
      // the turn is served all the same
      expect(zrm.replies[1]).toBe(`You said "${lastWords(secret.value)}" (claude)`);
      expect(zrm.speech.length).toBeGreaterThan(0);

      expect(
        (await client.conversationalAi.conversations.list({ agentId: zrmAgent })).conversations,
      ).toEqual([]);
      const gone = await failure(client.conversationalAi.conversations.get(zrm.conversationId));
      expect(gone.status).toBe(404);

      // positive control, after it: the same turn with an ordinary agent reaches every sink
      const ordinary = textCanary();
      await converse(client, 'agent_marketing', [ordinary.value]);
      expect(await service.missing(ordinary, AGENT_SINKS)).toEqual([]);
      for (const [name, sink] of Object.entries(await service.sinks()))
        expect(found(sink, secret), `ZRM agent content in ${name}`).toBe(false);
    });

    it('refuses a ZRM turn to an LLM that is not on the allow-list, with a content-free close and nothing kept', async () => {
      const client = service.client();
      const { agentId } = await client.conversationalAi.agents.create({
        name: 'Off-list',
        conversationConfig: { agent: { prompt: { llm: 'gpt-4o' } } },
        platformSettings: { privacy: { zeroRetentionMode: true } },
      });
      const secret = textCanary();
      const refused = await refusedTurn(client, agentId, secret.value);
      expect([refused.code, refused.reason]).toEqual([1008, 'zero_retention_provider_not_allowed']);
      expect(refused.replies).toEqual([]);
      const closing = textCanary();
      await converse(client, 'agent_marketing', [closing.value]);
      expect(await service.missing(closing, AGENT_SINKS)).toEqual([]);
      for (const [name, sink] of Object.entries(await service.sinks()))
        expect(found(sink, secret), `refused turn in ${name}`).toBe(false);
    });

    it('keeps the conversations again once the toggle is off', async () => {
      const client = service.client();
      const agents = client.conversationalAi.agents;
      const { agentId } = await agents.create({
        ...NURSE,
        platformSettings: { privacy: { zeroRetentionMode: true } },
      });
      await agents.update(agentId, { platformSettings: { privacy: { zeroRetentionMode: false } } });
      const said = textCanary();
      const { conversationId } = await converse(client, agentId, [said.value], 1);
      const detail = await client.conversationalAi.conversations.get(conversationId);
      expect(detail.transcript.map((t) => t.message)).toContain(said.value);
      expect(await service.missing(said, AGENT_SINKS)).toEqual([]);
    });

    it('lists only the kept conversations: a seeded ZRM agent (tenants file) has none', async () => {
      const client = service.client();
      const seeded = await client.conversationalAi.agents.get('agent_triage_nurse');
      expect(seeded.platformSettings?.privacy?.zeroRetentionMode).toBe(true);
      const kept = await converse(client, 'agent_marketing', [textCanary().value]);
      const secret = textCanary();
      const zrm = await converse(client, 'agent_triage_nurse', [secret.value]);
      const list = await client.conversationalAi.conversations.list({
        agentId: 'agent_triage_nurse',
      });
      expect(list.conversations).toEqual([]);
      expect(
        (await failure(client.conversationalAi.conversations.get(zrm.conversationId))).status,
      ).toBe(404);
      const ids = (await client.conversationalAi.conversations.list()).conversations.map(
        (c) => c.conversationId,
      );
      expect(ids).toContain(kept.conversationId);
      expect(ids).not.toContain(zrm.conversationId);
    });
  });
}
