import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { zeroRetention } from '@zrm/express';
import { withZeroRetention } from '@zrm/pino';
import { Logger, LoggerModule } from 'nestjs-pino';
import { logDestination } from './log-destination.js';
import { SpeechModule } from './speech.module.js';

@Module({
  imports: [
    LoggerModule.forRoot({ pinoHttp: [withZeroRetention({ level: 'info' }), logDestination()] }),
    SpeechModule,
  ],
})
export class ExpressAppModule {}

/**
 * Nest on Express: zrm's middleware before everything Nest mounts at
 * `init()` (body parsers, nestjs-pino's pino-http, routes), and nestjs-pino as
 * Nest's logger, so its ExceptionsHandler logs through @zrm/pino.
 */
export async function createExpressApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ExpressAppModule, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.use(zeroRetention());
  return app;
}
