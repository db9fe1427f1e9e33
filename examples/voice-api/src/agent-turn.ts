import { markSensitive } from '@zrm/core';
import type { Logger } from 'pino';
import { callProvider, providerOf } from './provider.js';
import { traced, type Services } from './services.js';

export interface AgentTurnInput {
  agentId: string;
  /** The agent's LLM (`conversation_config.agent.prompt.llm`), e.g. `gemini-2.0-flash`. */
  llm: string;
  systemPrompt?: string | undefined;
  /** What the user said (content). */
  text: string;
}

/**
 * One agent turn: the prompt goes to a third-party LLM, which ZRM restricts to
 * an allow-list. Traced and logged with its content, as services do; in ZRM
 * zrm keeps that content out of every sink.
 */
export async function agentTurn(
  s: Services,
  log: Logger,
  input: AgentTurnInput,
): Promise<{ reply: string; provider: string }> {
  const { agentId, llm, text } = input;
  markSensitive(text);
  const provider = providerOf(llm);
  const messages = [
    ...(input.systemPrompt !== undefined ? [{ role: 'system', content: input.systemPrompt }] : []),
    { role: 'user', content: text },
  ];
  const reply = await traced(
    s,
    'chat ' + llm,
    {
      'gen_ai.system': provider,
      'gen_ai.request.model': llm,
      'gen_ai.agent.id': agentId,
      'gen_ai.input.messages': JSON.stringify(messages),
    },
    () => callProvider(provider, s.config.providers.known, text),
  );
  markSensitive(reply);
  console.log('agent %s llm=%s prompt=%s', agentId, llm, text);
  // a GenAI content event through the OpenTelemetry Logs API
  s.telemetry.logger.emit({
    eventName: 'gen_ai.client.inference.operation.details',
    body: { input: text, output: reply },
    attributes: {
      'gen_ai.system': provider,
      'gen_ai.agent.id': agentId,
      'gen_ai.output.messages': reply,
    },
  });
  log.info({ agent_id: agentId, llm, prompt: text, completion: reply }, 'agent turn');
  return { reply, provider };
}
