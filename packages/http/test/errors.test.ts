import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroRetentionHandler, type ErrorReport } from '@zrm/http';
import { ensureBuilt, runNode } from '../../../test/support/node-process.js';
import { canary, captureLogs, listen, waitFor, type Running } from './helpers/app.js';

const fixture = fileURLToPath(new URL('./fixtures/throwing-server.mjs', import.meta.url));

beforeAll(() => ensureBuilt('core', 'http'));

describe.each(['sync', 'async'] as const)(
  'a handler that throws (%s), in its own process',
  (kind) => {
    it('without the wrapper: Node prints the error with its content and the process dies (control)', async () => {
      const text = canary('ctlcrash');
      const run = await runNode(fixture, ['off', kind, text]);
      expect(run.code).not.toBe(0);
      expect(run.stderr.toString('utf8')).toContain(text);
    });

    it('with the wrapper: a content-free 500, nothing printed, the process lives on', async () => {
      const text = canary('zrmcrash');
      const run = await runNode(fixture, ['on', kind, text]);
      const out = run.stdout.toString('utf8');
      expect(run.code).toBe(0);
      expect(out).toContain('STATUS 500 {"error":{"code":"internal_error"');
      expect(out).not.toContain(text);
      expect(run.stderr.toString('utf8')).toBe('');
    });
  },
);

describe('onError with pino', () => {
  const logs = captureLogs();
  const reports: ErrorReport[] = [];
  let running: Running;
  beforeAll(async () => {
    const handler = async (req: IncomingMessage, res: ServerResponse) => {
      const text = String(req.headers['x-text']);
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path.startsWith('/late')) {
        res.writeHead(200);
        res.write('partial');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (path === '/sync') throw new Error(`sync failure for ${text}`);
      await Promise.resolve();
      throw Object.assign(new Error(`async failure for ${text}`), { input: text });
    };
    running = await listen(
      zeroRetentionHandler(handler, {
        onError(report) {
          reports.push(report);
          logs.logger.error({ err: report.error, requestId: report.requestId }, 'request failed');
        },
      }),
    );
  });
  afterAll(() => running.close());

  const send = async (path: string, text: string, id: string) => {
    const res = await fetch(`${running.url}${path}`, {
      headers: { 'x-text': text, 'x-request-id': id },
    });
    return { status: res.status, body: await res.text().catch(() => 'cut') };
  };

  it.each(['sync', 'async'])(
    'ZRM (%s): 500 internal_error, the report and its pino line hold no content',
    async (kind) => {
      const text = canary(`zrm${kind}err`);
      const id = `zrm-${kind}`;
      const { status, body } = await send(`/${kind}?enable_logging=false`, text, id);
      expect(status).toBe(500);
      expect(JSON.parse(body)).toEqual({
        error: { code: 'internal_error', message: 'The request could not be processed.' },
      });
      await waitFor(() => logs.text().includes(`"requestId":"${id}"`));
      const report = reports.find((r) => r.requestId === id)!;
      expect(report).toMatchObject({ status: 500, zeroRetention: true });
      expect(JSON.stringify(report.error)).not.toContain(text);
      expect(String((report.error as Error).message)).not.toContain(text);
      expect(logs.text()).toContain('request failed');
      expect(logs.text()).not.toContain(text);
    },
  );

  it.each(['sync', 'async'])(
    'ordinary (%s): the same 500, and the report keeps the error whole',
    async (kind) => {
      const text = canary(`ord${kind}err`);
      const id = `ord-${kind}`;
      const { status, body } = await send(`/${kind}`, text, id);
      expect(status).toBe(500);
      expect(body).not.toContain(text);
      await waitFor(() => logs.text().includes(`"requestId":"${id}"`));
      const report = reports.find((r) => r.requestId === id)!;
      expect(report).toMatchObject({ status: 500, zeroRetention: false });
      expect((report.error as Error).message).toBe(`${kind} failure for ${text}`);
      expect(logs.text()).toContain(text);
    },
  );

  it('an error after the head was sent cuts the response; the report names the status sent', async () => {
    const text = canary('zrmlateerr');
    const { body } = await send('/late-async?enable_logging=false', text, 'zrm-late');
    expect(body).not.toContain(text);
    await waitFor(() => reports.some((r) => r.requestId === 'zrm-late'));
    expect(reports.find((r) => r.requestId === 'zrm-late')).toMatchObject({
      status: 200,
      zeroRetention: true,
    });
    expect(logs.text()).not.toContain(text);
  });
});
