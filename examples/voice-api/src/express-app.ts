import express, { type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { pinoHttp } from 'pino-http';
import * as Sentry from '@sentry/node';
import type { Logger } from 'pino';
import type { Policy } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
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

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  fn(req, res).catch(next);
};

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The voice API on Express 5: zrm middleware first, pino-http, routes, zrm error handler last. */
export function createExpressApp(
  services: Services,
  policy: Policy,
  logger: Logger,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // no ETag: hashing every generated audio body costs CPU and serves no cache (Fastify sends none either)
  app.set('etag', false);
  app.use(zeroRetention(policy));
  app.use(pinoHttp({ logger }));
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: 20 * 1024 * 1024 },
  });
  const ctx = (req: Request) => requestContext(services, req, req.log);
  // one text-to-speech call for the plain and the streaming route
  const tts = (req: Request) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    return textToSpeech(services, ctx(req), {
      voiceId: req.params.voice_id,
      text: body.text,
      modelId: body.model_id,
    });
  };

  app.post(
    '/v1/text-to-speech/:voice_id',
    express.json({ limit: '1mb' }),
    wrap(async (req, res) => {
      const result = await tts(req);
      res.set(speechHeaders(result)).send(result.audio);
    }),
  );

  app.post(
    '/v1/text-to-speech/:voice_id/stream',
    express.json({ limit: '1mb' }),
    wrap(async (req, res) => {
      const result = await tts(req);
      res.set(speechHeaders(result));
      const chunk = Math.ceil(result.audio.length / 4);
      for (let at = 0; at < result.audio.length; at += chunk)
        res.write(result.audio.subarray(at, at + chunk));
      res.end();
    }),
  );

  app.post(
    '/v1/speech-to-speech/:voice_id',
    upload.single('audio'),
    wrap(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const result = await speechToSpeech(services, ctx(req), {
        voiceId: req.params.voice_id,
        audio: req.file?.buffer,
        param: 'audio',
        modelId: body.model_id,
      });
      res.set(speechHeaders(result)).send(result.audio);
    }),
  );

  app.post(
    '/v1/speech-to-text',
    upload.single('file'),
    wrap(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      res.json(
        await speechToText(services, ctx(req), {
          audio: req.file?.buffer,
          param: 'file',
          modelId: body.model_id,
        }),
      );
    }),
  );

  for (const route of AGENT_ROUTES) {
    const method = route.method === 'GET' ? 'get' : route.method === 'POST' ? 'post' : 'patch';
    app[method](
      route.path,
      express.json({ limit: '1mb' }),
      wrap(async (req, res) => {
        const input = {
          params: req.params,
          query: req.query,
          body: req.body as unknown,
          host: req.headers.host,
        };
        res.json(await route.handle(services, ctx(req), input));
      }),
    );
  }

  app.get(
    '/v1/history',
    wrap(async (req, res) => {
      res.json(
        await listHistory(services, ctx(req), {
          page_size: req.query.page_size,
          cursor: req.query.cursor,
        }),
      );
    }),
  );
  app.get(
    '/v1/history/:id',
    wrap(async (req, res) => {
      res.json(await getHistoryItem(services, ctx(req), str(req.params.id)));
    }),
  );
  app.get(
    '/v1/history/:id/audio',
    wrap(async (req, res) => {
      res.type('audio/wav').send(await getHistoryAudio(services, ctx(req), str(req.params.id)));
    }),
  );
  app.delete(
    '/v1/history/:id',
    wrap(async (req, res) => {
      res.json(await deleteHistoryItem(services, ctx(req), str(req.params.id)));
    }),
  );

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such route.' } });
  });
  // Sentry reports 5xx errors (a no-op when Sentry is not initialized), then zrm answers
  Sentry.setupExpressErrorHandler(app);
  app.use(zeroRetentionErrorHandler());
  return app;
}
