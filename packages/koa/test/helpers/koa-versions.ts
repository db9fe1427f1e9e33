import { createRequire } from 'node:module';
import Koa from 'koa';

const require = createRequire(import.meta.url);

/** Koa 3 (the `koa` package) and Koa 2 (installed as `koa2`), same API for these tests. */
export const KOA_VERSIONS: ReadonlyArray<readonly [string, typeof Koa]> = [
  ['koa 3', Koa],
  ['koa 2', require('koa2') as typeof Koa],
];
