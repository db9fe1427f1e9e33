import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  currentScope,
  definePolicy,
  markSensitive,
  resolveZeroRetention,
  runWithScope,
  ZrmError,
} from '@zrm/core';
import { createScope, queryValues } from '@zrm/core/adapter';
import {
  PostgresHistoryStore,
  guardHistory,
  type HistoryFault,
  type HistoryItem,
} from '@zrm/history';
import type { Backend } from './backends.js';
import { schemaText } from './backends.js';
import { audioCanary, canary, needlesOf } from './canary.js';
import { statementText, withStatementLog } from './statement-log.js';

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  req.setEncoding('utf8');
  for await (const chunk of req) body += chunk as string;
  return body;
}

/** The ZRM guarantees of the history store, proven at the driver (every statement logged). */
export function defineZrmSuite(backend: () => Backend): void {
  describe('Zero Retention Mode', () => {
    function setup() {
      const { db, log } = withStatementLog(backend().db);
      const schema = backend().newSchema();
      const faults: HistoryFault[] = [];
      const store = new PostgresHistoryStore(db, { schema, onFault: (f) => faults.push(f) });
      return { store, history: guardHistory(store), log, schema, faults };
    }

    it('a guarded ZRM record issues no statement, returns no id, counts a blocked write and stores no canary', async () => {
      const { store, history, log, schema } = setup();
      await store.migrate();
      const before = log.length;
      const text = canary('zrm-record');
      const audio = audioCanary();
      const blocked: number[] = [];
      const id = await runWithScope({ zeroRetention: true, requestId: 'zrm-1' }, async () => {
        const result = await history.record({
          owner: 'o',
          requestId: 'zrm-1',
          text,
          audio,
          metadata: { text },
        });
        blocked.push(currentScope()!.counters.blockedWrites);
        return result;
      });
      expect(id).toBeUndefined();
      expect(blocked).toEqual([1]);
      expect(log.length).toBe(before);
      const dump = await schemaText(backend(), schema);
      for (const needle of [...needlesOf(text), ...needlesOf(audio)])
        expect(dump).not.toContain(needle);
      // the same call outside ZRM is the store itself
      const ordinary = await history.record({ owner: 'o', text: 'ordinary' });
      // the log does see statements: the ordinary write reached the driver
      expect(
        log
          .slice(before)
          .some((s) => s.text.includes('INSERT INTO') && s.values.includes('ordinary')),
      ).toBe(true);
      expect((await history.get('o', ordinary!)).text).toBe('ordinary');
    });

    it('ZRM look-ups and deletes throw zero_retention_unavailable before any statement', async () => {
      const { store, log } = setup();
      await store.migrate();
      const history = guardHistory(store, { param: 'previous_request_ids' });
      const before = log.length;
      const id = '00000000-0000-4000-8000-000000000000';
      await runWithScope({ zeroRetention: true }, async () => {
        for (const call of [
          () => history.get('o', id),
          () => history.list('o'),
          () => history.delete('o', id),
          () => history.deleteOwner('o'),
          () => history.purgeExpired(),
        ]) {
          const error = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ZrmError);
          expect((error as ZrmError).toJSON()).toEqual({
            error: {
              code: 'zero_retention_unavailable',
              message: 'History is not available in Zero Retention Mode.',
              param: 'previous_request_ids',
            },
          });
          expect((error as ZrmError).status).toBe(400);
        }
      });
      expect(log.length).toBe(before);
    });

    it('an unguarded store refuses every statement from a ZRM scope (fail closed), even its first migration', async () => {
      const { store, log, faults } = setup();
      const text = canary('unguarded');
      await runWithScope({ zeroRetention: true }, async () => {
        expect(await store.record({ owner: 'o', text })).toBeUndefined();
        await expect(store.list('o')).rejects.toMatchObject({
          code: 'zero_retention_storage_not_allowed',
        });
        await expect(store.migrate()).rejects.toMatchObject({
          code: 'zero_retention_storage_not_allowed',
        });
      });
      expect(log).toEqual([]);
      expect(faults.map((f) => [f.operation, f.code])).toEqual([
        ['record', 'zero_retention_storage_not_allowed'],
        ['list', 'zero_retention_storage_not_allowed'],
        ['migrate', 'zero_retention_storage_not_allowed'],
      ]);
      expect(JSON.stringify(faults)).not.toContain(text);
      // the store still works for the next ordinary request
      expect(await store.record({ owner: 'o', text: 'after' })).toBeDefined();
    });

    it('a write queued to a worker that lost the async context stores no content of an in-flight ZRM request', async () => {
      const { store, history, log, schema } = setup();
      await store.migrate();
      // a queue started outside any request, as a pool created at start-up would be
      const jobs: HistoryItem[] = [];
      const done: (string | undefined)[] = [];
      let wake: () => void = () => undefined;
      const worker = (async () => {
        while (done.length < 3) {
          if (jobs.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          const job = jobs.shift()!;
          expect(currentScope()).toBeUndefined();
          done.push(await history.record(job));
        }
      })();
      const text = canary('lost-context');
      const audio = audioCanary();
      const scope = createScope({ zeroRetention: true });
      await scope.run(async () => {
        markSensitive(text, audio);
        jobs.push(
          { owner: 'o', text: `prefix ${text}` },
          { owner: 'o', audio },
          { owner: 'o', metadata: { note: text } },
        );
        wake();
        await worker;
      });
      scope.end();
      expect(done).toEqual([undefined, undefined, undefined]);
      const dump = await schemaText(backend(), schema);
      for (const needle of [...needlesOf(text), ...needlesOf(audio)])
        expect(dump).not.toContain(needle);
      expect(log.some((s) => s.zeroRetention)).toBe(false);
      // ordinary content from a context-less worker is still written
      const plain = canary('context-less-ordinary');
      expect(currentScope()).toBeUndefined();
      const id = await history.record({ owner: 'o', text: plain });
      expect((await store.get('o', id!)).text).toBe(plain);
    });

    it('mixed concurrent HTTP traffic: no statement from a ZRM request, no ZRM canary in any column, ordinary items complete', async () => {
      const { store, history, log, schema, faults } = setup();
      await store.migrate();
      const policy = definePolicy({});
      const later: Promise<unknown>[] = [];
      const server = createServer((req, res) => {
        void (async () => {
          const body = JSON.parse(await readBody(req)) as {
            owner: string;
            text: string;
            audio: string;
          };
          let zeroRetention: boolean;
          try {
            zeroRetention = resolveZeroRetention(
              { enableLogging: queryValues(req.url!, 'enable_logging') },
              policy,
            ).zeroRetention;
          } catch (error) {
            res.writeHead(400).end(JSON.stringify((error as ZrmError).toJSON()));
            return;
          }
          const scope = createScope({
            zeroRetention,
            requestId: req.headers['x-request-id'] as string,
          });
          res.on('close', () => scope.end());
          await scope.run(async () => {
            const audio = Buffer.from(body.audio, 'base64');
            markSensitive(body.text, audio);
            const id = await history.record({
              owner: body.owner,
              requestId: scope.requestId,
              text: body.text,
              audio,
            });
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ id: id ?? null }));
            // work the request started after its response: still in its scope
            later.push(
              new Promise((resolve) => setImmediate(resolve)).then(() =>
                history.record({ owner: body.owner, text: `${body.text}:after`, audio }),
              ),
            );
          });
        })();
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      try {
        const requests = Array.from({ length: 40 }, (_, i) => ({
          zrm: i % 2 === 0,
          owner: `tenant-${i % 3}`,
          // short labels: `http-1…` and `http-10…` share 16 characters, a taint fragment of each other
          text: canary(`h${i}`),
          audio: audioCanary(),
        }));
        const responses = await Promise.all(
          requests.map(async (r, i) => {
            const url = `http://127.0.0.1:${port}/v1/tts?enable_logging=${r.zrm ? 'false' : 'true'}`;
            const res = await fetch(url, {
              method: 'POST',
              headers: { 'x-request-id': `req-${i}` },
              body: JSON.stringify({
                owner: r.owner,
                text: r.text,
                audio: r.audio.toString('base64'),
              }),
            });
            return { status: res.status, body: (await res.json()) as { id: string | null } };
          }),
        );
        await Promise.all(later);
        expect(later).toHaveLength(40);
        expect(log.filter((s) => s.zeroRetention)).toEqual([]);
        expect(
          log.filter(
            (s) => s.text.startsWith('INSERT INTO') && s.text.includes('.zrm_history_items'),
          ),
        ).toHaveLength(40);
        const sent = statementText(log);
        const dump = await schemaText(backend(), schema);
        for (const [i, r] of requests.entries()) {
          expect(responses[i]!.status).toBe(200);
          if (r.zrm) {
            expect(responses[i]!.body.id).toBeNull();
            for (const needle of [...needlesOf(r.text), ...needlesOf(r.audio)]) {
              expect(dump).not.toContain(needle);
              expect(sent).not.toContain(needle);
            }
          } else {
            const item = await store.get(r.owner, responses[i]!.body.id!);
            expect(item.text).toBe(r.text);
            expect(item.requestId).toBe(`req-${i}`);
            expect(Buffer.from(item.audio!).equals(r.audio)).toBe(true);
            expect(dump).toContain(`${r.text}:after`);
          }
        }
        const rows = await backend().raw(
          `SELECT count(*)::int AS n FROM "${schema}".zrm_history_items`,
        );
        expect(rows).toEqual([{ n: 40 }]);
        expect(faults).toEqual([]);
      } finally {
        server.close();
        server.closeAllConnections();
      }
    });
  });
}
