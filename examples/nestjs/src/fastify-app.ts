import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import zeroRetention from '@zrm/fastify';
import { withZeroRetention } from '@zrm/pino';
import { pino } from 'pino';
import { logDestination } from './log-destination.js';
import { SpeechModule } from './speech.module.js';

/**
 * Nest on Fastify: Fastify's logger made with @zrm/pino, and zrm's plugin
 * registered before `listen()` (Nest maps the routes at `init()`, after it).
 * Nest's own logger stays its ConsoleLogger: `guardConsole()` covers it.
 */
export async function createFastifyApp(): Promise<NestFastifyApplication> {
  const logger = pino(withZeroRetention({ level: 'info' }), logDestination());
  const app = await NestFactory.create<NestFastifyApplication>(
    SpeechModule,
    new FastifyAdapter({ loggerInstance: logger }),
  );
  await app.register(zeroRetention, {});
  return app;
}
