#!/usr/bin/env node
/* global console, process */
// HTTP throughput, bare vs zrm, measured with autocannon from this process
// against servers in child processes (bench/http-server.mjs). Every case of a
// group is run once per round, in turn, so the cases share the machine's load;
// a case's figure is the median of its rounds. Servers run on the Node that runs
// this script; writes http.json into its line's results (bench/node-lines.mjs).
//   node bench/http.mjs [--rounds N] [--duration S] [--stack-duration S] [--connections N] [--quick] [--only a,b]
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { HEADERS, PATH, ZRM_QUERY, plainBodies, stackBodies } from './http-requests.mjs';
import { resultsDir } from './node-lines.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3' },
    'stack-duration': { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const rounds = values.quick ? 1 : Number(values.rounds);
const duration = values.quick ? 1 : Number(values.duration);
const stackDuration = values.quick ? 2 : Number(values['stack-duration']);
const connections = Number(values.connections);
// --only express,fastify,stack-express,stack-fastify: run only those groups (by app name)
const only = values.only?.split(',').map((name) => name.trim());

function startServer(app, variant) {
  const child = fork(join(here, 'http-server.mjs'), [app, variant], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ url: m.url, stop: () => child.disconnect() }));
    child.once('exit', (code) => reject(new Error(`${app} ${variant} server exited (${code})`)));
  });
}

async function load(url, path, body, seconds) {
  const result = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: HEADERS,
    body,
  });
  return {
    rps: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50: result.latency.p50,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One group: its servers run side by side; each round runs every case once, in turn. */
async function group(name, app, bodies, seconds) {
  const bare = await startServer(app, 'bare');
  const zrm = await startServer(app, 'zrm');
  const stack = app.startsWith('stack');
  const als = stack ? undefined : await startServer(app, 'als');
  const ordinary = { path: PATH, body: bodies.ordinary };
  const cases = [
    { name: stack ? 'no zrm (leaky build)' : 'no adapter', server: bare, ...ordinary },
    ...(als
      ? [{ name: 'no adapter, AsyncLocalStorage.run per request', server: als, ...ordinary }]
      : []),
    { name: 'zrm, ordinary request', server: zrm, ...ordinary },
    {
      name: 'zrm, ZRM request',
      server: zrm,
      path: `${PATH}${ZRM_QUERY}`,
      body: bodies.zrm,
    },
  ];
  try {
    for (const c of cases) await load(c.server.url, c.path, c.body, 1); // warm-up
    const runs = cases.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, c] of cases.entries()) {
        const r = await load(c.server.url, c.path, c.body, seconds);
        runs[i].push(r);
        console.log(
          `  ${name} | ${c.name} | round ${round + 1}: ${r.rps.toFixed(0)} req/s${r.non2xx ? `, ${r.non2xx} non-2xx` : ''}`,
        );
      }
    }
    return {
      name,
      cases: cases.map((c, i) => ({
        name: c.name,
        rps: runs[i].map((r) => r.rps),
        median: median(runs[i].map((r) => r.rps)),
        latencyP50: median(runs[i].map((r) => r.latencyP50)),
        non2xx: runs[i].reduce((s, r) => s + r.non2xx, 0),
        errors: runs[i].reduce((s, r) => s + r.errors, 0),
      })),
    };
  } finally {
    bare.stop();
    zrm.stop();
    als?.stop();
  }
}

const groups = [];
const plan = [
  ['express, adapter only', 'express', plainBodies, duration],
  ['fastify, adapter only', 'fastify', plainBodies, duration],
  ['full stack (voice API, express)', 'stack-express', stackBodies, stackDuration],
  ['full stack (voice API, fastify)', 'stack-fastify', stackBodies, stackDuration],
];
for (const [name, app, bodies, seconds] of plan) {
  if (only !== undefined && !only.includes(app)) continue;
  try {
    groups.push(await group(name, app, bodies, seconds));
  } catch (error) {
    console.error(`  ${name}: not run (${error.message})`);
    groups.push({ name, error: String(error.message), cases: [] });
  }
}
const out = join(resultsDir(), 'http.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds, duration, stackDuration, connections, groups }, null, 2)}\n`,
);
console.log(`${relative(join(here, '..'), out)} written`);
