import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { currentScope, markSensitive, runWithScope } from '@zrm/core';
import { traceMarks } from '../src/trace-marks.js';
import type pgModule from 'pg';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { createLogging } from './support/logging.js';
import { createTracing, exported } from './support/tracing.js';

const url = process.env.ZRM_TEST_PG_URL;
if ((url === undefined || url === '') && process.env.ZRM_TEST_REQUIRE_PG === '1') {
  throw new Error(
    'ZRM_TEST_REQUIRE_PG=1 but ZRM_TEST_PG_URL is not set: the pg pool suite cannot run.',
  );
}
if (url === undefined || url === '') {
  console.warn(
    '[@zrm/otel] ZRM_TEST_PG_URL is not set: SKIPPING the pg pool suite ' +
      '(set it, e.g. postgres://zrm:zrm@127.0.0.1:5432/zrm_test, to run it; CI sets ZRM_TEST_REQUIRE_PG=1).',
  );
}

describe.skipIf(url === undefined || url === '')(
  'a pooled pg client opened by a ZRM request, then used by an ordinary one',
  () => {
    const tracing = createTracing();
    const { logger, records } = createLogging();
    const instrumentation = new PgInstrumentation();
    instrumentation.setTracerProvider(tracing.provider);
    let pool: Pool;
    beforeAll(() => {
      // required after the instrumentation is enabled, so that it patches pg
      const pg = createRequire(import.meta.url)('pg') as typeof pgModule;
      pool = new pg.Pool({ connectionString: url, max: 1 });
    });
    afterAll(async () => {
      await pool.end();
      instrumentation.disable();
    });

    /** A request with its own trace and scope; `work` runs in both. */
    async function serve(zeroRetention: boolean, work: () => Promise<void>): Promise<string> {
      const root = tracing.tracer.startSpan(zeroRetention ? 'zrm request' : 'ordinary request');
      await context.with(trace.setSpan(context.active(), root), () =>
        runWithScope({ zeroRetention }, work),
      );
      root.end();
      return root.spanContext().traceId;
    }

    it('keeps the ordinary query span, app spans and log records of its callback complete and unmarked', async () => {
      const zrmText = canary('zrm');
      const zrmTrace = await serve(true, async () => {
        markSensitive(zrmText);
        await pool.query(`select '${zrmText}'::text as text`);
      });
      const ordinaryText = canary('ordinary');
      let callbackScope: { zeroRetention: boolean; ended: boolean } | undefined;
      const ordinaryTrace = await serve(
        false,
        () =>
          new Promise<void>((resolve, reject) => {
            pool.query<{ text: string }>(
              `select '${ordinaryText}'::text as text`,
              (error, result) => {
                if (error) return reject(error);
                // the pooled socket's context: the ZRM request that opened the connection
                const scope = currentScope();
                callbackScope = scope && { zeroRetention: scope.zeroRetention, ended: scope.ended };
                const row = result.rows[0]!.text;
                tracing.tracer.startSpan('app.row', { attributes: { 'app.row': row } }).end();
                logger.emit({ body: `row ${row}`, attributes: { 'app.row': row } });
                resolve();
              },
            );
          }),
      );
      expect(callbackScope).toEqual({ zeroRetention: true, ended: true });

      const ordinary = tracing.spans().filter((s) => s.spanContext().traceId === ordinaryTrace);
      const query = ordinary.find((s) => s.name.startsWith('pg.query'))!;
      expect(query.attributes['db.query.text']).toBe(`select '${ordinaryText}'::text as text`);
      const row = ordinary.find((s) => s.name === 'app.row')!;
      expect(row.attributes).toEqual({ 'app.row': ordinaryText });
      expect(ordinary.every((s) => s.attributes['zrm.zero_retention'] === undefined)).toBe(true);
      expect(traceMarks.lookup(ordinaryTrace)).toBeUndefined();
      const record = records().at(-1)!;
      expect({ body: record.body, attributes: record.attributes }).toEqual({
        body: `row ${ordinaryText}`,
        attributes: { 'app.row': ordinaryText },
      });

      const zrmSpans = tracing.spans().filter((s) => s.spanContext().traceId === zrmTrace);
      expect(zrmSpans.some((s) => s.name.startsWith('pg.query'))).toBe(true);
      expect(findCanaries(dump(zrmSpans.map(exported)), [zrmText])).toEqual([]);
    });
  },
);
