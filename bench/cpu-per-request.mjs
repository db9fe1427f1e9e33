#!/usr/bin/env node
/* global console */
// The served process's CPU time per request (user + system, from /proc: Linux
// only), for the adapter-only apps of bench/http-server.mjs, side by side in
// interleaved rounds. Steadier than req/s on a shared machine: the load
// generator's share of the CPU does not enter it.
//   node bench/cpu-per-request.mjs [express|fastify] [--rounds N] [--duration S]
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HEADERS, PATH, ZRM_QUERY, plainBodies } from './http-requests.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3' },
  },
});
const app = positionals[0] ?? 'fastify';
const TICK_US = 10_000; // USER_HZ = 100

function start(variant) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'http-server.mjs'), [app, variant], { stdio: 'ignore' });
    child.once('message', (message) => resolve({ child, url: message.url }));
    child.once('error', reject);
  });
}

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const servers = { bare: await start('bare'), als: await start('als'), zrm: await start('zrm') };
const cases = [
  ['no adapter', servers.bare, '', plainBodies.ordinary],
  ['no adapter, AsyncLocalStorage.run per request', servers.als, '', plainBodies.ordinary],
  ['zrm, ordinary request', servers.zrm, '', plainBodies.ordinary],
  ['zrm, ZRM request', servers.zrm, ZRM_QUERY, plainBodies.zrm],
];
const results = cases.map(() => []);
try {
  for (let round = 0; round <= Number(values.rounds); round++) {
    for (const [i, [name, server, query, body]] of cases.entries()) {
      const before = cpuTicks(server.child.pid);
      const run = await autocannon({
        url: server.url + PATH + query,
        method: 'POST',
        connections: 10,
        duration: Number(values.duration),
        body,
        headers: HEADERS,
      });
      const us = ((cpuTicks(server.child.pid) - before) * TICK_US) / run.requests.total;
      if (round === 0) continue; // warm-up
      results[i].push(us);
      console.log(`${app} | ${name} | round ${round}: ${us.toFixed(1)} µs CPU per request`);
    }
  }
} finally {
  for (const server of Object.values(servers)) server.child.kill();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [i, [name]] of cases.entries()) {
  console.log(
    `${app} | ${name}: median ${median(results[i]).toFixed(1)} µs [${results[i].map((x) => x.toFixed(1)).join(' ')}]`,
  );
}
