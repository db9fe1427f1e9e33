import { createRequire } from 'node:module';
import express from 'express';

const require = createRequire(import.meta.url);

/** Express 5 (the `express` package) and Express 4 (installed as `express4`), same API for these tests. */
export const EXPRESS_VERSIONS: ReadonlyArray<readonly [string, typeof express]> = [
  ['express 5', express],
  ['express 4', require('express4') as typeof express],
];
