// Starts one of the services on a loopback port and prints `READY <port>`.
// PLATFORM: express | fastify; WIRING: zrm (default) | console (Express: Nest's
// ConsoleLogger kept) | plain (no zrm); GUARD_CONSOLE=on calls guardConsole().
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardConsole } from '@zrm/core';
import {
  createExpressAppWithConsoleLogger,
  createPlainExpressApp,
  createPlainFastifyApp,
} from './controls.js';
import { createExpressApp } from './express-app.js';
import { createFastifyApp } from './fastify-app.js';

const builders: Record<string, Record<string, () => Promise<INestApplication>>> = {
  express: {
    zrm: createExpressApp,
    console: createExpressAppWithConsoleLogger,
    plain: createPlainExpressApp,
  },
  fastify: { zrm: createFastifyApp, console: createFastifyApp, plain: createPlainFastifyApp },
};

const platform = process.env.PLATFORM ?? 'express';
const wiring = process.env.WIRING ?? 'zrm';
const build = builders[platform]?.[wiring];
if (build === undefined) {
  process.stderr.write(`unknown PLATFORM/WIRING: ${platform}/${wiring}\n`);
  process.exit(2);
}
if (process.env.GUARD_CONSOLE === 'on') guardConsole();
const app = await build();
await app.listen(0, '127.0.0.1');
const address = (app.getHttpServer() as Server).address() as AddressInfo;
process.stdout.write(`READY ${address.port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
