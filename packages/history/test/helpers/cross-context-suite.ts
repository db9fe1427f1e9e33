import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  currentScope,
  definePolicy,
  isTainted,
  setDefaultPolicy,
  type Policy,
  type RedactionEvent,
} from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import {
  PostgresHistoryStore,
  guardHistory,
  type HistoryFault,
  type HistoryItem,
  type HistoryStore,
  type StoredHistoryItem,
} from '@zrm/history';
import type { Backend } from './backends.js';
import { schemaText } from './backends.js';
import { audioCanary, canary, needlesOf } from './canary.js';
import { columnsHolding } from './columns-holding.js';
import { rawHistory } from './raw-history.js';
import { statementText, withStatementLog } from './statement-log.js';
import { itemsOf, startTtsServer, type TtsBody } from './tts-server.js';
import { WriteBehind } from './write-behind.js';

/** A prompt that JSON must escape every few characters: quotes, backslashes, newlines, control and non-ASCII characters. */
function escapedCanary(label: string): string {
  const r = () => randomBytes(3).toString('hex');
  return `${canary(label)} he said "${r()}"\n\\${r()}\t"ü${r()}😀\r\n${r()}'\u0001${r()}\\"${r()}\u2028${r()}"`;
}

interface Request {
  id: string;
  body: TtsBody;
}

function request(id: string): Request {
  // short labels: canaries of two requests share no run as long as a taint fragment
  const label = id.slice(-1);
  return {
    id,
    body: {
      owner: 'tenant-1',
      text: canary(`${label}t`),
      prompt: escapedCanary(`${label}p`),
      audio: audioCanary().toString('base64'),
    },
  };
}

const MODES = [
  'guardHistory(store)',
  'the store alone',
  'a raw INSERT (positive control)',
] as const;
type Mode = (typeof MODES)[number];

/** The async context the buffer flushes in, and how the test gets it there. */
interface FlushContext {
  /** The request whose scope the flush runs in (`undefined`: none). */
  flushedBy: string | undefined;
  ended: boolean;
  run(
    send: Send,
    buffer: WriteBehind,
    flush: () => Promise<unknown>,
  ): Promise<readonly [Sent, Sent]>;
}

const WAIT = { timeout: 10_000, interval: 10 };

const CONTEXTS: Record<string, FlushContext> = {
  'the timer an ordinary request started, that request still in flight': {
    flushedBy: 'ord-A',
    ended: false,
    async run(send, buffer) {
      const a = send('ord-A', false, 'timer=1');
      await vi.waitFor(() => expect(buffer.size).toBe(4), WAIT);
      const b = send('zrm-B', true);
      return Promise.all([a, b]);
    },
  },
  'the timer of an ordinary request that has ended': {
    flushedBy: 'ord-A',
    ended: true,
    async run(send) {
      const a = await send('ord-A', false, 'timer=1&wait=0');
      return [a, await send('zrm-B', true)];
    },
  },
  'a timer started outside any request': {
    flushedBy: undefined,
    ended: false,
    async run(send, buffer) {
      expect(currentScope()).toBeUndefined();
      buffer.startTimer();
      return Promise.all([send('ord-A', false), send('zrm-B', true)]);
    },
  },
  "another ordinary request's scope (it calls flush)": {
    flushedBy: 'ord-C',
    ended: false,
    async run(send, buffer, flush) {
      const both = Promise.all([send('ord-A', false), send('zrm-B', true)]);
      await vi.waitFor(() => expect(buffer.size).toBe(8), WAIT);
      await flush();
      return both;
    },
  },
};

interface Sent {
  request: Request;
  speech: Buffer;
  ids: (string | null)[];
}
type Send = (id: string, zrm: boolean, query?: string) => Promise<Sent>;

function expectComplete(stored: StoredHistoryItem[], expected: HistoryItem[]): void {
  expect(stored).toHaveLength(expected.length);
  for (const item of expected) {
    const match = stored.find(
      (s) =>
        (item.text !== undefined && s.text === item.text) ||
        (item.metadata !== undefined && isDeepStrictEqual(s.metadata, item.metadata)) ||
        (item.audio !== undefined &&
          s.audio !== undefined &&
          Buffer.from(s.audio).equals(item.audio as Uint8Array)),
    );
    expect(match, 'an ordinary item is stored complete').toBeDefined();
    expect(match).toMatchObject({
      owner: item.owner,
      requestId: item.requestId,
      text: item.text,
      metadata: item.metadata,
      voiceId: item.voiceId,
      modelId: item.modelId,
    });
  }
}

/** Needles of a request's content: its text, prompt, uploaded audio and speech. */
function contentOf(sent: Sent): (string | Buffer)[] {
  return [
    sent.request.body.text,
    sent.request.body.prompt,
    Buffer.from(sent.request.body.audio, 'base64'),
    sent.speech,
  ];
}

/**
 * Guarantee 5 for history: content an in-flight ZRM request registered never
 * reaches a row, whatever async context the write is made in; the whole write
 * is refused and counted, and ordinary items are stored complete.
 */
export function defineCrossContextSuite(backend: () => Backend): void {
  describe('the net in every context', () => {
    afterEach(() => setDefaultPolicy(definePolicy()));

    async function setup(mode: Mode, policyOptions: { graceMs?: number } = {}) {
      const { db, log } = withStatementLog(backend().db);
      const schema = backend().newSchema();
      const faults: HistoryFault[] = [];
      const store = new PostgresHistoryStore(db, { schema, onFault: (f) => faults.push(f) });
      await store.migrate();
      const events: RedactionEvent[] = [];
      const policy: Policy = definePolicy({
        onRedaction: (event) => events.push(event),
        taint: policyOptions.graceMs === undefined ? {} : { graceMs: policyOptions.graceMs },
      });
      // a write outside any scope reports to the default policy
      setDefaultPolicy(policy);
      const sinks: Record<Mode, Pick<HistoryStore, 'record'>> = {
        'guardHistory(store)': guardHistory(store),
        'the store alone': store,
        'a raw INSERT (positive control)': rawHistory(db, schema),
      };
      return { store, sink: sinks[mode], schema, log, faults, events, policy };
    }

    async function serve(buffer: WriteBehind, policy: Policy) {
      const server = await startTtsServer(buffer, policy);
      const base = `http://127.0.0.1:${server.port}`;
      const send: Send = async (id, zrm, query = '') => {
        const r = request(id);
        const res = await fetch(
          `${base}/v1/tts?enable_logging=${zrm ? 'false' : 'true'}&${query}`,
          {
            method: 'POST',
            headers: { 'x-request-id': id },
            body: JSON.stringify(r.body),
          },
        );
        expect(res.status).toBe(200);
        const reply = (await res.json()) as { speech: string; ids: (string | null)[] };
        return { request: r, speech: Buffer.from(reply.speech, 'base64'), ids: reply.ids };
      };
      const flush = () =>
        fetch(`${base}/flush`, { method: 'POST', headers: { 'x-request-id': 'ord-C' } });
      return { server, send, flush };
    }

    for (const [context, how] of Object.entries(CONTEXTS)) {
      for (const mode of MODES) {
        const control = mode === 'a raw INSERT (positive control)';
        const title = control
          ? `flushed from ${context}, written by ${mode}: the ZRM canaries arrive in the table`
          : `flushed from ${context}, written by ${mode}: no ZRM text, metadata or audio in any column, the ordinary items complete`;
        it(title, async () => {
          const { store, sink, schema, log, faults, events, policy } = await setup(mode);
          const buffer = new WriteBehind(sink, 8);
          const { server, send, flush } = await serve(buffer, policy);
          let ordinary: Sent;
          let zrm: Sent;
          try {
            [ordinary, zrm] = await how.run(send, buffer, flush);
          } finally {
            server.close();
          }
          await buffer.settled();
          // the flush ran where the scenario says, while the ZRM request was in flight
          expect(buffer.flushedIn).toHaveLength(1);
          const { scope: flushedIn, ended } = buffer.flushedIn[0]!;
          expect(flushedIn?.requestId).toBe(how.flushedBy);
          expect(flushedIn?.zeroRetention).not.toBe(true);
          if (flushedIn !== undefined) expect(ended).toBe(how.ended);
          const rows = await backend().raw(
            `SELECT count(*)::int AS n FROM "${schema}".zrm_history_items`,
          );
          if (control) {
            for (const needle of contentOf(zrm))
              expect(await columnsHolding(backend(), schema, needle)).not.toEqual([]);
            expect(rows).toEqual([{ n: 8 }]);
            return;
          }
          const dump = await schemaText(backend(), schema);
          const sent = statementText(log);
          for (const needle of contentOf(zrm)) {
            expect(await columnsHolding(backend(), schema, needle)).toEqual([]);
            if (typeof needle !== 'string' || !needle.includes('"')) {
              for (const form of needlesOf(needle)) {
                expect(dump).not.toContain(form);
                expect(sent).not.toContain(form);
              }
            }
          }
          expect(sent).not.toContain(zrm.request.body.prompt);
          expect(zrm.ids).toEqual([null, null, null, null]);
          expect(rows).toEqual([{ n: 4 }]);
          const expected = itemsOf(ordinary.request.body, 'ord-A', ordinary.speech);
          const stored = (await store.list('tenant-1', { filters: { requestId: 'ord-A' } })).items;
          expectComplete(stored, expected);
          for (const needle of contentOf(ordinary))
            expect(await columnsHolding(backend(), schema, needle)).not.toEqual([]);
          // counted, content-free: one cross-context event per refused item, on the writing scope
          const refused = {
            kind: 'cross-context',
            count: 1,
            sink: 'history',
            requestId: how.flushedBy,
          };
          expect(events).toEqual([refused, refused, refused, refused]);
          if (flushedIn !== undefined) expect(flushedIn.counters.blockedWrites).toBe(4);
          if (mode === 'the store alone') {
            const fault = {
              operation: 'record',
              code: 'zero_retention_storage_not_allowed',
              message: 'History record failed (zero_retention_storage_not_allowed).',
            };
            expect(faults).toEqual([fault, fault, fault, fault]);
          } else {
            expect(faults).toEqual([]);
          }
          expect(JSON.stringify([events, faults])).not.toContain('ZRMCANARY');
        });
      }
    }

    for (const mode of ['guardHistory(store)', 'the store alone'] as const) {
      it(`written by ${mode}: refused during the grace period, the same content is written complete once the ZRM request is released`, async () => {
        const { store, sink, schema, policy } = await setup(mode, { graceMs: 2_000 });
        const buffer = new WriteBehind(sink, 4);
        const { server, send } = await serve(buffer, policy);
        let zrm: Sent;
        try {
          zrm = await send('zrm-B', true, 'wait=0');
        } finally {
          server.close();
        }
        const items = itemsOf(zrm.request.body, 'zrm-B', zrm.speech);
        // the response is sent and the scope ended: its content is still held for the grace period
        expect(server.scopes.get('zrm-B')?.ended).toBe(true);
        expect(isTainted(zrm.request.body.text)).toBe(true);
        await buffer.flush();
        expect(await backend().raw(`SELECT 1 FROM "${schema}".zrm_history_items`)).toEqual([]);
        for (const needle of contentOf(zrm))
          expect(await columnsHolding(backend(), schema, needle)).toEqual([]);
        await vi.waitFor(
          () => {
            expect(isTainted(zrm.request.body.text)).toBe(false);
            expect(isTainted(zrm.speech.toString('hex'))).toBe(false);
          },
          { timeout: 10_000, interval: 50 },
        );
        const ids = await Promise.all(items.map((item) => sink.record(item)));
        expect(ids.every((id) => typeof id === 'string')).toBe(true);
        expectComplete((await store.list('tenant-1')).items, items);
      });
    }

    /** A ZRM request in flight whose content `register` registers; the test ends it. */
    function inFlightZrm(register: (scope: ReturnType<typeof createScope>) => void) {
      const scope = createScope({ zeroRetention: true, requestId: 'zrm-unit' });
      scope.run(() => register(scope));
      return scope;
    }

    /** The positive control: the same items through a raw INSERT do put every needle in a column. */
    async function expectRawStores(items: HistoryItem[], needles: (string | Buffer)[]) {
      const schema = backend().newSchema();
      await new PostgresHistoryStore(backend().db, { schema }).migrate();
      const raw = rawHistory(backend().db, schema);
      for (const item of items) await raw.record(item);
      for (const needle of needles)
        expect(await columnsHolding(backend(), schema, needle)).not.toEqual([]);
    }

    it('audio is caught as registered bytes, an unaligned chunk of them, inside metadata, and as the base64 or base64url string it arrived in', async () => {
      const { store, schema } = await setup('guardHistory(store)');
      const history = guardHistory(store);
      const bytes = randomBytes(300);
      const uploaded = randomBytes(300);
      const uploadedUrl = randomBytes(300);
      const zrm = inFlightZrm((scope) => {
        scope.registerBinary(bytes);
        scope.register(uploaded.toString('base64'));
        scope.register(uploadedUrl.toString('base64url'));
      });
      try {
        const leaks: HistoryItem[] = [
          { owner: 'o', audio: bytes },
          { owner: 'o', audio: bytes.subarray(7, 250) },
          {
            owner: 'o',
            audio: Buffer.concat([randomBytes(5), bytes.subarray(1, 200), randomBytes(5)]),
          },
          { owner: 'o', metadata: { clip: { pcm: bytes.subarray(2) } } },
          { owner: 'o', audio: uploaded },
          { owner: 'o', audio: uploaded.subarray(1) },
          { owner: 'o', audio: new Uint8Array(uploaded.subarray(2, 200)).buffer },
          { owner: 'o', audio: new Uint8Array(uploadedUrl.subarray(4)) },
        ];
        await createScope({ zeroRetention: false, requestId: 'ord-unit' }).run(async () => {
          for (const item of leaks) {
            expect(await history.record(item)).toBeUndefined();
            expect(await store.record(item)).toBeUndefined();
          }
          const clean = randomBytes(300);
          const id = await history.record({
            owner: 'o',
            audio: clean,
            metadata: { pcm: randomBytes(8) },
          });
          expect(Buffer.from((await store.get('o', id!)).audio!).equals(clean)).toBe(true);
        });
        const needles = [
          bytes.subarray(7, 250),
          uploaded.subarray(2, 200),
          uploadedUrl.subarray(4),
        ];
        for (const needle of needles)
          expect(await columnsHolding(backend(), schema, needle)).toEqual([]);
        await expectRawStores(leaks, needles);
      } finally {
        zrm.end();
      }
    });

    it('metadata is checked leaf by leaf: nested strings JSON escapes, keys and numbers', async () => {
      const { store, schema } = await setup('guardHistory(store)');
      const history = guardHistory(store);
      const escaped = escapedCanary('leaf');
      const key = canary('key');
      const card = 4111111111111;
      const zrm = inFlightZrm((scope) => {
        scope.register(escaped);
        scope.register(key);
        scope.register(String(card));
      });
      try {
        const leaks: HistoryItem[] = [
          { owner: 'o', metadata: { a: { b: [{ c: [1, { d: escaped }] }] } } },
          { owner: 'o', metadata: { [key]: true } },
          { owner: 'o', metadata: { payment: { card } } },
          { owner: 'o', metadata: { when: { toJSON: () => escaped } } },
        ];
        for (const item of leaks) {
          expect(await history.record(item)).toBeUndefined();
          expect(await store.record(item)).toBeUndefined();
        }
        const needles = [escaped, key, String(card)];
        for (const needle of needles)
          expect(await columnsHolding(backend(), schema, needle)).toEqual([]);
        await expectRawStores(leaks, needles);
        // the same shapes with ordinary values are stored as they are
        const ordinary = {
          a: { b: [{ c: [1, { d: escapedCanary('ordinary-leaf') }] }] },
          [canary('k')]: true,
          card: 4000000000002,
        };
        const id = await history.record({ owner: 'o', metadata: ordinary });
        expect((await store.get('o', id!)).metadata).toEqual(ordinary);
      } finally {
        zrm.end();
      }
    });

    it('an item that cannot be read is refused, not written, while a ZRM request is in flight (fail closed)', async () => {
      const { store, schema, log, events } = await setup('guardHistory(store)');
      const history = guardHistory(store);
      const text = canary('unreadable');
      const zrm = inFlightZrm((scope) => scope.register(canary('in-flight')));
      try {
        const before = log.length;
        const throwing = {
          owner: 'o',
          text,
          get metadata(): Record<string, unknown> {
            throw new Error('unreadable');
          },
        };
        const revoked = Proxy.revocable({ owner: 'o', text }, {});
        revoked.revoke();
        await createScope({ zeroRetention: false, requestId: 'ord-unit' }).run(async () => {
          expect(await history.record(throwing)).toBeUndefined();
          expect(await history.record(revoked.proxy as HistoryItem)).toBeUndefined();
          expect(
            await history.record({ owner: 'o', text, metadata: { big: 10n } }),
          ).toBeUndefined();
          expect(
            await history.record({ owner: 'o', text: 42 } as unknown as HistoryItem),
          ).toBeUndefined();
        });
        expect(log.slice(before)).toEqual([]);
        expect(await columnsHolding(backend(), schema, text)).toEqual([]);
        expect(events.filter((e) => e.kind === 'cross-context')).toHaveLength(4);
      } finally {
        zrm.end();
      }
    });
  });
}
