// The same services wired without part of zrm: the tests' positive controls.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { zeroRetention } from '@zrm/express';
import { Logger, LoggerModule } from 'nestjs-pino';
import { pino } from 'pino';
import { ExpressAppModule } from './express-app.js';
import { logDestination } from './log-destination.js';
import { SpeechModule } from './speech.module.js';

@Module({
  imports: [
    LoggerModule.forRoot({ pinoHttp: [{ level: 'info' }, logDestination()] }),
    SpeechModule,
  ],
})
class PlainExpressAppModule {}

/** Nest on Express with plain pino and no zrm middleware. */
export async function createPlainExpressApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PlainExpressAppModule, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  return app;
}

/** zrm's middleware and @zrm/pino, but Nest's own ConsoleLogger left as Nest's logger. */
export async function createExpressAppWithConsoleLogger(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ExpressAppModule);
  app.use(zeroRetention());
  return app;
}

/** Nest on Fastify with plain pino and no zrm plugin. */
export async function createPlainFastifyApp(): Promise<NestFastifyApplication> {
  const logger = pino({ level: 'info' }, logDestination());
  return NestFactory.create<NestFastifyApplication>(
    SpeechModule,
    new FastifyAdapter({ loggerInstance: logger }),
  );
}
