import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  auditMain,
  createAudioCanary,
  createTextCanary,
  findCanaries,
  readHistoryTables,
  readPostgresTables,
} from '@zrm/testing';
import type { AuditReport } from '@zrm/testing';
import { writeExpectations } from './fixtures/audit-run.js';
import { postgresUrl } from './fixtures/postgres.js';
import { startVoiceService } from './fixtures/voice-service.js';
import { freePort, makeWorkspace } from './fixtures/workspace.js';

const url = await postgresUrl();
const schema = `zrm_testing_${randomBytes(6).toString('hex')}`;

describe.skipIf(url === undefined)('history tables in a real Postgres', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.end();
  });

  it('finds a text canary in a text column and an audio canary in a bytea column', async () => {
    const text = createTextCanary('row-text');
    const audio = createAudioCanary('row-audio');
    const absent = createTextCanary('row-absent');
    await db.query(
      `CREATE TABLE ${schema}.items (id serial PRIMARY KEY, text text, audio bytea, meta jsonb)`,
    );
    await db.query(`INSERT INTO ${schema}.items (text, audio, meta) VALUES ($1, $2, $3)`, [
      text.value,
      Buffer.from(audio.bytes),
      { voice: 'v1' },
    ]);
    const sink = await readHistoryTables(db, { tables: [`${schema}.items`] });
    const hits = findCanaries(sink, [text, audio, absent]).map((h) => `${h.label}:${h.form}`);
    expect(hits.sort()).toEqual(['row-audio:bytes', 'row-text:json-escaped']);
    const all = await readPostgresTables(url!);
    expect(findCanaries(all, text).map((h) => h.source)).toContain(`${schema}.items#0`);
  });

  it('refuses a table name that is not an identifier, without running it', async () => {
    await expect(readHistoryTables(db, { tables: ['items; DROP TABLE x'] })).rejects.toThrow(
      /schema\.name/,
    );
  });

  it('makes the audit fail on a service that records ZRM requests in its Postgres history', async () => {
    const ws = makeWorkspace();
    const otlpPort = await freePort();
    const table = `${schema}.history`;
    const service = await startVoiceService({
      leaky: true,
      logFile: ws.logFile,
      tempDir: ws.tempDir,
      otlpUrl: `http://127.0.0.1:${otlpPort}`,
      postgres: { url: url!, table },
    });
    try {
      let stdout = '';
      const code = await auditMain(
        [
          '--url',
          service.url,
          '--config',
          writeExpectations(ws),
          '--api-key',
          'key-tenant',
          '--otlp-port',
          String(otlpPort),
          '--settle-ms',
          '200',
        ].concat([
          '--skip-history-api',
          '--postgres-url',
          url!,
          '--history-table',
          table,
          '--json',
          '-q',
        ]),
        { stdout: (t) => (stdout += t), stderr: () => {} },
      );
      const report = JSON.parse(stdout) as AuditReport;
      const history = report.sinks.find((s) => s.sink === 'history:postgres')!;
      expect(code).toBe(1);
      expect(history.ordinaryFound).toContain('tts-ordinary');
      expect(history.leaks.map((l) => l.label)).toEqual(
        expect.arrayContaining(['tts-zrm', 'tts-ws-zrm', 'flag-false']),
      );
    } finally {
      await service.close();
      ws.remove();
    }
  });

  it('passes the Postgres history of a well-behaved service while ordinary rows are kept', async () => {
    const ws = makeWorkspace();
    const otlpPort = await freePort();
    const table = `${schema}.good_history`;
    const service = await startVoiceService({
      leaky: false,
      logFile: ws.logFile,
      tempDir: ws.tempDir,
      otlpUrl: `http://127.0.0.1:${otlpPort}`,
      postgres: { url: url!, table },
    });
    try {
      let stdout = '';
      const code = await auditMain(
        [
          '--url',
          service.url,
          '--config',
          writeExpectations(ws),
          '--api-key',
          'key-tenant',
          '--otlp-port',
          String(otlpPort),
          '--settle-ms',
          '200',
        ].concat([
          '--skip-history-api',
          '--postgres-url',
          url!,
          '--history-table',
          table,
          '--json',
          '-q',
        ]),
        { stdout: (t) => (stdout += t), stderr: () => {} },
      );
      const report = JSON.parse(stdout) as AuditReport;
      const history = report.sinks.find((s) => s.sink === 'history:postgres')!;
      expect(history.leaks).toEqual([]);
      expect(history.ordinaryFound).toEqual(
        expect.arrayContaining(['tts-ordinary', 'tts-ws-ordinary']),
      );
      expect(code).toBe(0);
    } finally {
      await service.close();
      ws.remove();
    }
  });
});
