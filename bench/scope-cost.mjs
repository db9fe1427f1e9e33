#!/usr/bin/env node
/* global process, console */
// The request scope's cost on the Node running this script: prints one JSON
// object of nanoseconds per operation. bench/scope-node.mjs runs it on Node 20
// and on Node 22 (AsyncLocalStorage moved to AsyncContextFrame in 22/24).
// Interleaved rounds of timed batches; each figure is the median of rounds.
import { AsyncLocalStorage } from 'node:async_hooks';
import { currentScope, definePolicy, markSensitive } from '../packages/core/dist/index.js';
import { createScope } from '../packages/core/dist/adapter.js';

const policy = definePolicy({ taint: { graceMs: 0 } });
const raw = new AsyncLocalStorage();
const tick = () => Promise.resolve();

const cases = {
  'AsyncLocalStorage.run + getStore (raw, for reference)': {
    batch: 20_000,
    fn: () => raw.run(1, () => raw.getStore()),
  },
  'createScope + run + currentScope + end (ordinary)': {
    batch: 20_000,
    fn: () => {
      const scope = createScope({ zeroRetention: false, policy });
      scope.run(() => currentScope());
      scope.end();
    },
  },
  'currentScope() inside a scope': {
    batch: 200_000,
    setup: (body) => createScope({ zeroRetention: false, policy }).run(body),
    fn: () => currentScope(),
  },
  'ZRM scope: run, markSensitive 64 chars, end': {
    batch: 5_000,
    fn: () => {
      const scope = createScope({ zeroRetention: true, policy });
      scope.run(() =>
        markSensitive('my card number is 4111 1111 1111 1111, please read it back slowly'),
      );
      scope.end();
    },
  },
  'scope kept across 3 awaits (async request)': {
    batch: 5_000,
    async: true,
    fn: () =>
      createScope({ zeroRetention: false, policy }).run(async () => {
        await tick();
        await tick();
        await tick();
        return currentScope();
      }),
  },
};

async function timeBatch(c) {
  const start = process.hrtime.bigint();
  if (c.async) {
    for (let i = 0; i < c.batch; i++) await c.fn();
  } else if (c.setup) {
    c.setup(() => {
      for (let i = 0; i < c.batch; i++) c.fn();
    });
  } else {
    for (let i = 0; i < c.batch; i++) c.fn();
  }
  return Number(process.hrtime.bigint() - start) / c.batch;
}

const rounds = Number(process.argv[2] ?? 15);
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const c of Object.values(cases)) await timeBatch(c); // warm-up
for (let r = 0; r < rounds; r++) {
  for (const [name, c] of Object.entries(cases)) samples[name].push(await timeBatch(c));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    node: process.version,
    rounds,
    nsPerOp: Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])),
    spread: Object.fromEntries(
      Object.entries(samples).map(([k, xs]) => [k, [Math.min(...xs), Math.max(...xs)]]),
    ),
  }),
);
