import { express4Driver, express5Driver } from './express.js';
import { fastifyDriver } from './fastify.js';
import { koa2Driver, koa3Driver } from './koa.js';
import { honoDriver } from './hono.js';
import { httpDriver } from './http.js';
import { wsMessageDriver } from './ws-message.js';
import { wsUpgradeDriver } from './ws-upgrade.js';
import type { Driver } from './types.js';

/** Every adapter the conformance table runs against. Add a driver: one file, one line here. */
export const DRIVERS: readonly Driver[] = [
  express5Driver,
  express4Driver,
  fastifyDriver,
  honoDriver,
  wsUpgradeDriver,
  wsMessageDriver,
  koa3Driver,
  koa2Driver,
  httpDriver,
];
