import { randomBytes } from 'node:crypto';
import { currentScope, isZrmError, markSensitive } from '@zrm/core';
import { agentTurn } from './agent-turn.js';
import { requireAgentId } from './agents.js';
import { pcmOf, synthesize } from './audio.js';
import type { Role } from './conversations.js';
import { conversationAgentOf, tenantOfRequest } from './policy.js';
import { requireText, type Services } from './services.js';
import { closeWith, parseJsonMessage, sendJson, type ConnectionHandler } from './ws-messages.js';

/** `/v1/convai/conversation?agent_id=…`: the vendor's agent conversation websocket. */
export function isConversationUrl(url: string): boolean {
  return conversationAgentOf(url) !== undefined;
}

/** The user's text in a `user_message` or a `multimodal_message`; undefined for other messages. */
function userText(message: Record<string, unknown>): unknown {
  if (message.type === 'user_message') return message.text;
  if (message.type === 'multimodal_message') {
    const part = message.text as { text?: unknown } | undefined;
    return part?.text;
  }
  return undefined;
}

/**
 * One conversation with an agent, as the vendor's SDK (`Conversation`) holds
 * it: the server announces the conversation id, the user sends text turns
 * (`user_message`), the agent answers each with its speech (`audio`) and text
 * (`agent_response`). Every message is kept in the history store's
 * conversation log — which a ZRM conversation (a ZRM agent's, or one opened
 * with `enable_logging=false`) writes nothing to.
 */
export const onConversationConnection: ConnectionHandler = (services, logger, socket, req) => {
  const url = req.url ?? '';
  const log = logger.child({ route: 'convai-websocket', requestId: currentScope()?.requestId });
  const tenant = tenantOfRequest(services.config, services.signedUrls, req);
  if (tenant === undefined) {
    closeWith(socket, 'invalid_request');
    return;
  }
  let agentId: string;
  let agent: ReturnType<Services['agents']['conversationSettings']>;
  try {
    agentId = requireAgentId(conversationAgentOf(url));
    agent = services.agents.conversationSettings(tenant, agentId);
  } catch {
    closeWith(socket, 'not_found');
    return;
  }
  const conversationId = `conv_${randomBytes(16).toString('hex')}`;
  const started = Date.now();
  const context: string[] = [];
  let eventId = 0;
  services.conversations.opened(conversationId);
  log.info({ agent_id: agentId, conversation_id: conversationId }, 'conversation started');

  const keep = (role: Role, text: string) =>
    services.conversations.record(tenant, {
      conversationId,
      agentId,
      role,
      text,
      timeInCallSecs: Math.round((Date.now() - started) / 1000),
    });
  const speak = async (text: string) => {
    await keep('agent', text);
    const audio = pcmOf(synthesize(text));
    markSensitive(audio);
    eventId += 1;
    sendJson(socket, {
      type: 'audio',
      audio_event: { audio_base_64: audio.toString('base64'), event_id: eventId },
    });
    sendJson(socket, { type: 'agent_response', agent_response_event: { agent_response: text } });
  };
  const turn = async (raw: unknown) => {
    const text = requireText(raw, 'text');
    markSensitive(text);
    await keep('user', text);
    const prompt = context.length === 0 ? text : `${context.join('\n')}\n${text}`;
    const { reply } = await agentTurn(services, log, {
      agentId,
      llm: agent.llm,
      systemPrompt: agent.systemPrompt,
      text: prompt,
    });
    await speak(reply);
  };
  // turns are answered one at a time, in the order they were sent
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error: unknown) => {
      const code = isZrmError(error) ? error.code : 'internal_error';
      log.warn({ agent_id: agentId, code }, 'conversation turn failed');
      closeWith(socket, code);
    });
  };

  sendJson(socket, {
    type: 'conversation_initiation_metadata',
    conversation_initiation_metadata_event: {
      conversation_id: conversationId,
      agent_output_audio_format: 'pcm_16000',
      user_input_audio_format: 'pcm_16000',
    },
  });
  const firstMessage = agent.firstMessage;
  if (firstMessage !== undefined) enqueue(() => speak(firstMessage));

  socket.on('message', (data) => {
    const message = parseJsonMessage(data);
    if (message === undefined || typeof message.type !== 'string') {
      closeWith(socket, 'invalid_request');
      return;
    }
    const text = userText(message);
    if (text !== undefined) enqueue(() => turn(text));
    else if (message.type === 'contextual_update' && typeof message.text === 'string') {
      markSensitive(message.text);
      context.push(message.text);
    }
    // conversation_initiation_client_data, user_activity, pong and audio need no answer here
  });
  socket.on('close', () => {
    services.conversations.closed(conversationId);
    log.info({ conversation_id: conversationId, turns: eventId }, 'conversation ended');
  });
  socket.on('error', () => log.warn('websocket error'));
};
