import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converse } from './support/sdk-sessions.js';
import {
  AGENT_SINKS,
  found,
  startMonitoredService,
  textCanary,
  type MonitoredService,
} from './support/service.js';

/**
 * Positive control of `agents.test.ts`: the same flows on the service built
 * without zrm (`leaky`). A ZRM agent's turn reaches every sink there, and its
 * conversation is listed: what keeps it out is zrm, not the way the test looks.
 */
describe('agents without zrm (the leaky build, positive control)', () => {
  let service: MonitoredService;

  beforeAll(async () => {
    service = await startMonitoredService(true);
  });
  afterAll(async () => service?.close());

  it("a ZRM agent's turn reaches every sink the ordinary one reaches, and is listed with its transcript", async () => {
    const client = service.client();
    const agents = client.conversationalAi.agents;
    const { agentId } = await agents.create({ name: 'Nurse', conversationConfig: {} });
    await agents.update(agentId, { platformSettings: { privacy: { zeroRetentionMode: true } } });
    const secret = textCanary();
    const { conversationId } = await converse(client, agentId, [secret.value]);
    const ordinary = textCanary();
    await converse(client, 'agent_marketing', [ordinary.value]);

    expect(await service.missing(ordinary, AGENT_SINKS)).toEqual([]);
    const sinks = await service.sinks();
    for (const name of AGENT_SINKS)
      expect(found(sinks[name]!, secret), `ZRM agent content in ${name}`).toBe(true);
    const list = await client.conversationalAi.conversations.list({ agentId });
    expect(list.conversations.map((c) => c.conversationId)).toEqual([conversationId]);
    const detail = await client.conversationalAi.conversations.get(conversationId);
    expect(detail.transcript.map((t) => t.message)).toContain(secret.value);
  });
});
