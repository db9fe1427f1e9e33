import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runWithScope } from '@zrm/core';
import { PostgresHistoryStore, guardHistory, type HistoryFault } from '@zrm/history';
import { canary } from './helpers/canary.js';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('database down', () => {
  it('an ordinary HTTP request still succeeds; the failure is reported content-free through onFault', async () => {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: await closedPort(),
      user: 'zrm',
      database: 'x',
      max: 2,
    });
    pool.on('error', () => undefined);
    const faults: HistoryFault[] = [];
    const history = guardHistory(
      new PostgresHistoryStore(pool, { onFault: (f) => faults.push(f) }),
    );
    const text = canary('down');
    const server = createServer((req, res) => {
      void runWithScope({ zeroRetention: false, requestId: 'req-down' }, async () => {
        const id = await history.record({ owner: 'o', requestId: 'req-down', text });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ audio: 'ok', id: id ?? null }));
      });
    });
    const port = await listen(server);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/tts`, { method: 'POST', body: text });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ audio: 'ok', id: null });
      expect(faults).toEqual([
        {
          operation: 'record',
          code: 'ECONNREFUSED',
          message: 'History record failed (ECONNREFUSED).',
          requestId: 'req-down',
        },
      ]);
      expect(JSON.stringify(faults)).not.toContain(text);
      // reads surface the failure to the caller (and report it too); the migration is retried next time
      await expect(history.list('o')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(faults.map((f) => f.operation)).toEqual(['record', 'list']);
      await expect(history.migrate()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      server.close();
      server.closeAllConnections();
      await pool.end();
    }
  });

  it('a ZRM request against a down database issues nothing and reports nothing', async () => {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: await closedPort(),
      user: 'zrm',
      database: 'x',
      max: 1,
    });
    const faults: HistoryFault[] = [];
    const history = guardHistory(
      new PostgresHistoryStore(pool, { onFault: (f) => faults.push(f) }),
    );
    try {
      const id = await runWithScope({ zeroRetention: true }, () =>
        history.record({ owner: 'o', text: canary('x') }),
      );
      expect(id).toBeUndefined();
      expect(faults).toEqual([]);
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
    }
  });
});

describe('default fault report', () => {
  it('without onFault, a failed write becomes a content-free process warning', async () => {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: await closedPort(),
      user: 'zrm',
      database: 'x',
      max: 1,
    });
    pool.on('error', () => undefined);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const text = canary('warning');
    try {
      const store = new PostgresHistoryStore(pool);
      expect(await store.record({ owner: 'o', text })).toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'ZRM_HISTORY_FAULT');
      expect(ours.map((w) => w.message)).toEqual(['History record failed (ECONNREFUSED).']);
      expect(JSON.stringify(ours.map((w) => [w.message, w.stack]))).not.toContain(text);
    } finally {
      process.off('warning', onWarning);
      await pool.end();
    }
  });
});

describe('guardHistory', () => {
  it('refuses an object that is not a history store', () => {
    expect(() => guardHistory({} as never)).toThrow(/store.record must be a function/);
    expect(() => guardHistory(null as never)).toThrow(TypeError);
  });

  it('rejects a database handle that cannot run queries', () => {
    expect(() => new PostgresHistoryStore({} as never)).toThrow(
      /pg Pool, a pg Client or a PGlite instance/,
    );
    expect(() => new PostgresHistoryStore(new pg.Pool(), { ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
