import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/support/node-process.js';

/**
 * Koa's default error path: `ctx.onerror` answers with an exposed error's
 * message, and the app's default `'error'` listener prints `err.stack` to
 * stderr. A real app in its own process, real requests, the real stderr bytes.
 */
const fixture = fileURLToPath(new URL('./fixtures/error-app.mjs', import.meta.url));

async function runApp(adapter: 'on' | 'off', koa: string, requests: Array<[string, string]>) {
  const child = spawn(process.execPath, [fixture, adapter, koa], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`app exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
  });
  const answers = [];
  for (const [query, text] of requests) {
    const res = await fetch(`http://127.0.0.1:${port}/speak${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    answers.push({
      status: res.status,
      body: await res.text(),
      zrm: res.headers.get('zero-retention'),
    });
  }
  // the default listener prints synchronously while the error is handled: every stack is out by now
  const exited = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  await exited;
  return { answers, stderr: Buffer.concat(stderr).toString('utf8') };
}

const zrmCanary = () => `zrm_${randomBytes(12).toString('hex')}`;
const keptCanary = () => `kept-${randomBytes(12).toString('base64url')}`;

beforeAll(() => ensureBuilt('koa'));

describe.each([
  ['koa 3', 'koa'],
  ['koa 2', 'koa2'],
])("%s's default error path", (_name, koa) => {
  it('prints no ZRM canary of a thrown error on stderr and answers content-free; ordinary errors keep theirs', async () => {
    const zrm = zrmCanary();
    const exposed = zrmCanary();
    const ordinary = keptCanary();
    const requests: Array<[string, string]> = [
      ['?enable_logging=false', zrm],
      ['?enable_logging=false&status=422', exposed],
      ['', ordinary],
    ];

    // positive control: without the adapter Koa prints the stack and sends the exposed message
    const plain = await runApp('off', koa, requests);
    expect(plain.stderr).toContain(`Error: synthesis failed for ${zrm}`);
    expect(plain.answers[1]?.body).toContain(exposed);

    const guarded = await runApp('on', koa, requests);
    expect(guarded.stderr).not.toContain(zrm);
    expect(guarded.stderr).not.toContain(exposed);
    // the app still hears of the error: a redacted copy, class and stack frames kept
    expect(guarded.stderr).toMatch(/Error: \[REDACTED\]\n\s+at .*error-app\.mjs/);
    const [first, second, third] = guarded.answers;
    expect(first).toEqual({
      status: 500,
      body: JSON.stringify({
        error: { code: 'internal_error', message: 'The request could not be processed.' },
      }),
      zrm: 'enforced',
    });
    expect(second?.status).toBe(500);
    expect(second?.body).not.toContain(exposed);
    // kept: an ordinary request's error goes through Koa's own path, complete
    expect(third?.status).toBe(500);
    expect(guarded.stderr).toContain(`Error: synthesis failed for ${ordinary}`);
  });
});
