import { STATUS_CODES } from 'node:http';
import { inspect } from 'node:util';
import type { ErrorRequestHandler, Request } from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroRetention, zeroRetentionErrorHandler, type ErrorReport } from '@zrm/express';
import {
  contentErrors,
  type ContentError,
  type ContentErrorKind,
} from '../../../test/support/errors.js';
import { canary } from './helpers/canary.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { captureLogs } from './helpers/log-capture.js';
import { listen, waitFor, type Running } from './helpers/server.js';

type Line = Record<string, unknown>;

/** An error serializer that shows every link: pino's errWithCause, plus causes that are not errors and hidden values. */
function showEveryLink(serialized: unknown): unknown {
  // pino-http hands a custom err serializer pino's serialization of the error; `raw` is the error itself
  const raw = (serialized as { raw: Error & Record<string, unknown> }).raw;
  const out = pino.stdSerializers.errWithCause(raw) as Record<string, unknown>;
  return {
    ...out,
    cause: out.cause ?? raw.cause,
    error: (raw.error as Error | undefined)?.message,
    suppressed: raw.suppressed,
  };
}

/** Everything an onError hook could print of a report, hidden properties included. */
const everything = (value: unknown): string =>
  inspect(value, { depth: Infinity, showHidden: true, maxStringLength: Infinity });

describe.each(EXPRESS_VERSIONS)(
  'error causes through zeroRetentionErrorHandler (%s)',
  (_name, express) => {
    let running: Running;
    const logs = captureLogs();
    const reports: ErrorReport[] = [];
    // the error each request's handler throws, by x-tag: content from a provider, never from the request
    const pending = new Map<string, Error>();
    const tagOf = (req: Request): string => String(req.headers['x-tag']);

    beforeAll(async () => {
      const app = express();
      app.use(zeroRetention());
      app.use(
        pinoHttp({
          logger: logs.logger,
          serializers: { err: showEveryLink },
          customProps: (req) => ({ tag: req.headers['x-tag'] }),
        }),
      );
      const fail = (req: Request): never => {
        throw pending.get(tagOf(req)) ?? new Error('no error set up');
      };
      app.get('/fail', fail);
      app.get('/reported/fail', fail);
      app.use(
        '/reported',
        zeroRetentionErrorHandler({ onError: (report) => reports.push(report) }),
      );
      app.use(zeroRetentionErrorHandler());
      const appHandler: ErrorRequestHandler = (error, req, res, _next) => {
        req.log.error({ err: error }, 'app error handler');
        res.status(500).json({ app: 'handler' });
      };
      app.use(appHandler);
      running = await listen(app);
    });
    afterAll(() => running.close());

    const linesOf = (tag: string): Line[] =>
      logs.lines.map((line) => JSON.parse(line) as Line).filter((line) => line.tag === tag);

    /** Sends one request that fails with `error`; resolves once pino-http has logged its response. */
    async function failWith(
      error: Error,
      { zrm, path = '/fail' }: { zrm: boolean; path?: string },
    ): Promise<{ tag: string; status: number; body: string; text: string; lines: Line[] }> {
      const tag = canary('tag');
      pending.set(tag, error);
      const res = await fetch(`${running.url}${path}${zrm ? '?enable_logging=false' : ''}`, {
        headers: { 'x-tag': tag },
      });
      const body = await res.text();
      await waitFor(() => linesOf(tag).some((line) => line.msg === 'request errored'));
      pending.delete(tag);
      const lines = linesOf(tag);
      return { tag, status: res.status, body, text: JSON.stringify(lines), lines };
    }

    const kinds: readonly ContentErrorKind[] = [
      'stringCause',
      'listedCause',
      'objectCause',
      'arrayCause',
      'chain',
      'cycle',
      'aggregate',
      'aggregateOfErrors',
      'suppressed',
    ];

    it.each(kinds)(
      'keeps the %s canaries out of the handler’s log line and its response in ZRM, keeping err.type',
      async (kind) => {
        const zrmError: ContentError = (await contentErrors(canary))[kind];
        const zrm = await failWith(zrmError.err, { zrm: true });
        // a provider error's own status (502) is kept, any other error is a 500
        const status = (zrmError.err as { status?: number }).status ?? 500;
        expect(zrm.status).toBe(status);
        expect(JSON.parse(zrm.body)).toEqual({
          error: { code: 'internal_error', message: `${STATUS_CODES[status]}.` },
        });
        expect(zrmError.canaries.filter((c) => zrm.text.includes(c))).toEqual([]);
        const failed = zrm.lines.find((line) => line.msg === 'request failed');
        expect(failed).toMatchObject({ zrm: true, status, err: { type: zrmError.type } });

        // positive control: the same error of an ordinary request reaches the app's handler, content and all
        const ordinaryError = (await contentErrors(canary))[kind];
        const ordinary = await failWith(ordinaryError.err, { zrm: false });
        expect(JSON.parse(ordinary.body)).toEqual({ app: 'handler' });
        expect(ordinaryError.canaries.filter((c) => ordinary.text.includes(c))).toEqual(
          ordinaryError.canaries,
        );
      },
    );

    it('hands onError a report whose error keeps its class and holds no cause or reason content', async () => {
      const errors = Object.values(await contentErrors(canary));
      reports.length = 0;
      for (const { err } of errors) await failWith(err, { zrm: true, path: '/reported/fail' });
      expect(reports).toHaveLength(errors.length);
      const canaries = errors.flatMap((e) => e.canaries);
      expect(canaries.filter((c) => everything(reports).includes(c))).toEqual([]);
      expect(reports.map((r) => (r.error as Error).constructor.name)).toEqual(
        errors.map((e) => e.type),
      );
      // positive control: the probe sees hidden causes and reasons of the raw errors
      expect(canaries.filter((c) => everything(errors).includes(c))).toEqual(canaries);
    });
  },
);
