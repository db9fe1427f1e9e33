import multipart from '@fastify/multipart';
import { isZrmError, type Policy } from '@zrm/core';
import * as Sentry from '@sentry/node';
import zeroRetention from '@zrm/fastify';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AGENT_ROUTES } from './agent-routes.js';
import { requestContext } from './context.js';
import {
  deleteHistoryItem,
  getHistoryAudio,
  getHistoryItem,
  listHistory,
  speechHeaders,
  speechToSpeech,
  speechToText,
  textToSpeech,
  type Services,
} from './services.js';

type Params = Record<string, string>;
type Body = Record<string, unknown> | undefined;
type Query = Record<string, unknown>;

/** The first file of a multipart request and its text fields (in memory: never on disk). */
async function upload(
  req: FastifyRequest,
): Promise<{ file: Buffer | undefined; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  let file: Buffer | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'file') file ??= await part.toBuffer();
    else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
  }
  return { file, fields };
}

/** The voice API on Fastify 5: the zrm plugin, pino through the zrm options, same routes as Express. */
export async function createFastifyApp(services: Services, policy: Policy, logger: Logger) {
  const app = Fastify({ loggerInstance: logger, bodyLimit: 20 * 1024 * 1024 });
  await app.register(zeroRetention, policy);
  // Sentry reports 5xx errors (a no-op when Sentry is not initialized)
  Sentry.setupFastifyErrorHandler(app);
  await app.register(multipart, { limits: { fileSize: 20 * 1024 * 1024 } });
  const ctx = (req: FastifyRequest) => requestContext(services, req, req.log as Logger);
  // one text-to-speech call for the plain and the streaming route
  const tts = (req: FastifyRequest) => {
    const body = req.body as Body;
    return textToSpeech(services, ctx(req), {
      voiceId: (req.params as Params).voice_id,
      text: body?.text,
      modelId: body?.model_id,
    });
  };

  app.post('/v1/text-to-speech/:voice_id', async (req, reply) => {
    const result = await tts(req);
    return reply.headers(speechHeaders(result)).send(result.audio);
  });

  app.post('/v1/text-to-speech/:voice_id/stream', async (req, reply) => {
    const result = await tts(req);
    reply.headers(speechHeaders(result));
    const chunk = Math.ceil(result.audio.length / 4);
    const parts = [];
    for (let at = 0; at < result.audio.length; at += chunk)
      parts.push(result.audio.subarray(at, at + chunk));
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(parts));
  });

  app.post('/v1/speech-to-speech/:voice_id', async (req, reply) => {
    const { file, fields } = await upload(req);
    const result = await speechToSpeech(services, ctx(req), {
      voiceId: (req.params as Params).voice_id,
      audio: file,
      param: 'audio',
      modelId: fields.model_id,
    });
    return reply.headers(speechHeaders(result)).send(result.audio);
  });

  app.post('/v1/speech-to-text', async (req) => {
    const { file, fields } = await upload(req);
    return speechToText(services, ctx(req), {
      audio: file,
      param: 'file',
      modelId: fields.model_id,
    });
  });

  for (const route of AGENT_ROUTES) {
    app.route({
      method: route.method,
      url: route.path,
      handler: (req) =>
        route.handle(services, ctx(req), {
          params: req.params as Params,
          query: req.query as Query,
          body: req.body,
          host: req.headers.host,
        }),
    });
  }

  app.get('/v1/history', async (req) => {
    const query = req.query as Query;
    return listHistory(services, ctx(req), { page_size: query.page_size, cursor: query.cursor });
  });
  app.get('/v1/history/:id', async (req) =>
    getHistoryItem(services, ctx(req), (req.params as Params).id ?? ''),
  );
  app.get('/v1/history/:id/audio', async (req, reply) =>
    reply
      .type('audio/wav')
      .send(await getHistoryAudio(services, ctx(req), (req.params as Params).id ?? '')),
  );
  app.delete('/v1/history/:id', async (req) =>
    deleteHistoryItem(services, ctx(req), (req.params as Params).id ?? ''),
  );

  app.setNotFoundHandler((_req, reply: FastifyReply) =>
    reply.code(404).send({ error: { code: 'not_found', message: 'No such route.' } }),
  );
  app.setErrorHandler((error, req, reply) => {
    if (isZrmError(error)) return reply.code(error.status).send(error.toJSON());
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    req.log.error({ err: error }, 'request failed');
    const code = status < 500 ? 'invalid_request' : 'internal_error';
    return reply.code(status).send({
      error: { code, message: status < 500 ? 'The request is invalid.' : 'Internal error.' },
    });
  });
  return app;
}
