/* global URL, Buffer, setTimeout */
// Soak driver shared by `pnpm soak` (bench/soak.mjs, long form) and the CI
// test (test/soak.test.ts, short form). It starts the example voice API in a
// child process (bench/soak-server.mjs), sends half ZRM and half ordinary
// text-to-speech requests carrying unique canaries, samples the child's heap
// after GC between phases, and at the end waits for the taint grace period,
// reads the taint registry and searches a heap snapshot of the child for the
// ZRM canaries.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./soak-server.mjs', import.meta.url));
/** The example's policy keeps taint for 2 s after a request ends (examples/voice-api/src/policy.ts). */
export const TAINT_GRACE_MS = 2_000;

/** A loopback OTLP/HTTP endpoint that accepts and discards everything (the collector's role). */
async function startOtlpSink() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

function startChild(args, execArgv = [], server = undefined) {
  const child = fork(server ?? SERVER, args, {
    execArgv: ['--expose-gc', '--max-old-space-size=512', ...execArgv],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let next = 0;
  const pending = new Map();
  let ready;
  const started = new Promise((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`soak server exited early (${code})`)));
  });
  child.on('message', (message) => {
    if (message.ready) return ready(message);
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(`soak server: ${message.error}`));
    else waiter?.resolve(message);
  });
  const call = (cmd, extra = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...extra });
    });
  return { child, started, call };
}

/** One text-to-speech request; resolves with the status code. */
function post(agent, url, text, zrm) {
  const body = JSON.stringify({ text, model_id: 'eleven_multilingual_v2' });
  const target = new URL(
    `/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM${zrm ? '?enable_logging=false' : ''}`,
    url,
  );
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'xi-api-key': 'sk_demo_acme_health',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function count(haystack, needle) {
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
}

/**
 * The chain of objects that keeps the first string containing `marker` alive,
 * read from a V8 heap snapshot: `string <- tts.text of Object <- attributes of SpanImpl <- …`.
 */
export function retainerPath(snapshotBytes, marker) {
  const snap = JSON.parse(snapshotBytes.toString('utf8'));
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const { nodes, edges, strings } = snap;
  const [iType, iName, iEdges] = ['type', 'name', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  );
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) =>
    meta.edge_fields.indexOf(f),
  );
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const retainer = new Map();
  for (let node = 0, edge = 0; node < nodes.length / nf; node++) {
    for (let k = 0; k < nodes[node * nf + iEdges]; k++, edge += ef) {
      const type = edgeTypes[edges[edge + eType]];
      const to = edges[edge + eTo] / nf;
      if (type === 'weak' || retainer.has(to)) continue;
      const name =
        type === 'element' || type === 'hidden'
          ? edges[edge + eName]
          : strings[edges[edge + eName]];
      retainer.set(to, { node, edge: `${type}:${String(name)}` });
    }
  }
  const label = (node) =>
    `${nodeTypes[nodes[node * nf + iType]]} ${String(strings[nodes[node * nf + iName]]).slice(0, 60)}`;
  let node = -1;
  for (let i = 0; i < nodes.length / nf; i++) {
    if (String(strings[nodes[i * nf + iName]]).includes(marker)) {
      node = i;
      break;
    }
  }
  const path = [];
  const seen = new Set();
  while (node !== -1 && !seen.has(node) && path.length < 20) {
    seen.add(node);
    const up = retainer.get(node);
    path.push(up ? `${label(node)} <-[${up.edge}]` : label(node));
    node = up ? up.node : -1;
  }
  return path.join('\n  ').replaceAll(marker, '<canary>');
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Runs the soak and returns what it measured (no verdict: callers assert).
 * @param {object} options
 * @param {number} options.requests total requests, alternating ZRM and ordinary
 * @param {number} [options.phases] heap samples under load, after the warm-up
 * @param {number} [options.warmup] requests before the baseline sample (default: a tenth)
 * @param {boolean} [options.keepSnapshot] keep the temp dir and return the markers (debugging)
 * @param {string[]} [options.execArgv] extra flags for the served process (e.g. --cpu-prof)
 * @param {string} [options.server] another server script speaking the same IPC (experiments)
 * @param {number} [options.concurrency]
 * @param {'express'|'fastify'} [options.framework]
 * @param {(line: string) => void} [options.progress]
 */
export async function runSoak(options) {
  const { requests, phases = 10, concurrency = 8, framework = 'express' } = options;
  const progress = options.progress ?? (() => {});
  // Markers are random per run, so no copy of them exists in any source file.
  const run = randomBytes(6).toString('hex');
  const zrmMarker = `zq${run}Z`;
  const ordinaryMarker = `zq${run}O`;
  const controlMarker = `zq${run}C`;
  const dir = mkdtempSync(join(tmpdir(), 'zrm-soak-'));
  const otlp = await startOtlpSink();
  const { child, started, call } = startChild(
    [framework, join(dir, 'service.log'), otlp.url, join(dir, 'history')],
    options.execArgv,
    options.server,
  );
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map();
  const samples = [];
  try {
    const { url } = await started;
    let sent = 0;
    // no run of 16 characters shared by a ZRM and an ordinary text: in-flight ZRM content is scrubbed everywhere
    const text = (i, zrm) => `${zrm ? zrmMarker : ordinaryMarker}${i}x my pin`;
    const phase = async (count) => {
      let index = sent;
      const end = Math.min(requests, sent + count);
      const worker = async () => {
        while (index < end) {
          const i = index++;
          const zrm = i % 2 === 0;
          const status = await post(agent, url, text(i, zrm), zrm);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      sent = end;
    };
    const sample = async (label) => {
      const s = await call('sample');
      samples.push({ label, requests: sent, ...s });
      progress(
        `${label}: ${sent} requests, heap ${(s.heapUsed / 2 ** 20).toFixed(1)} MiB, external ${(s.external / 2 ** 20).toFixed(1)} MiB, taint ${s.taint}`,
      );
    };

    const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    // the grace period, then (on a loaded machine timers run late) until the registry is empty, 15 s at most
    const quiet = async () => {
      await pause(TAINT_GRACE_MS + 250);
      for (let waited = 0; waited < 15_000; waited += 250) {
        if ((await call('taint')).taint === 0) return;
        await pause(250);
      }
    };
    // warm-up: JIT, pools, first export batches; then a quiet sample (all taint released) as the baseline
    const warmup = Math.min(requests, options.warmup ?? Math.max(100, Math.floor(requests / 10)));
    await phase(warmup);
    await quiet();
    await sample('baseline (quiet)');
    const per = Math.ceil((requests - sent) / phases);
    const startedAt = Date.now();
    while (sent < requests) {
      await phase(per);
      await sample('under load');
    }
    const seconds = (Date.now() - startedAt) / 1000;
    agent.destroy();
    await quiet();
    await sample('end (quiet)');

    await call('control', { value: `${controlMarker}-kept-on-purpose` });
    const snapshotFile = join(dir, 'soak.heapsnapshot');
    await call('snapshot', { file: snapshotFile });
    const snapshot = readFileSync(snapshotFile);
    const found = {
      zrm: snapshot.includes(zrmMarker),
      ordinary: snapshot.includes(ordinaryMarker),
      control: snapshot.includes(controlMarker),
    };
    // what holds a retained ZRM canary, so that a failure names the culprit
    const retainedBy = found.zrm ? retainerPath(snapshot, zrmMarker) : undefined;
    const log = readFileSync(join(dir, 'service.log'), 'utf8');
    const logged = { zrm: count(log, zrmMarker), ordinary: count(log, ordinaryMarker) };
    const afterWarmup = samples.map((s) => ({ x: s.requests, y: s.heapUsed }));
    const first = samples[0];
    const last = samples[samples.length - 1];
    return {
      framework,
      requests: sent,
      zrmRequests: Math.ceil(sent / 2),
      ordinaryRequests: Math.floor(sent / 2),
      concurrency,
      seconds,
      requestsPerSecond: seconds > 0 ? (sent - warmup) / seconds : 0,
      statuses: Object.fromEntries(statuses),
      samples,
      measuredRequests: sent - warmup,
      /** Quiet heap after the run minus quiet heap after the warm-up, both after GC. */
      heapGrowthBytes: last.heapUsed - first.heapUsed,
      /** The same for `external` (Buffers, PGlite's memory): reported, not budgeted. */
      externalGrowthBytes: last.external - first.external,
      heapSlopeBytesPerRequest: slope(afterWarmup),
      taintAfterGrace: last.taint,
      snapshotBytes: snapshot.length,
      found,
      retainedBy,
      logged,
      markers: options.keepSnapshot
        ? { zrm: zrmMarker, ordinary: ordinaryMarker, control: controlMarker }
        : undefined,
      snapshotFile: options.keepSnapshot ? snapshotFile : undefined,
    };
  } finally {
    agent.destroy();
    await call('close').catch(() => {});
    if (child.exitCode === null)
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) child.kill();
    otlp.close();
    if (!options.keepSnapshot) rmSync(dir, { recursive: true, force: true });
  }
}
