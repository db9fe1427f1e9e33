import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/support/node-process.js';

/**
 * Express's final handler prints `err.stack` to stderr with console.error when
 * the app has no error handler of its own (`zeroRetentionErrorHandler` left
 * out). A real app in its own process, real requests, the real stderr bytes.
 */
const fixture = fileURLToPath(new URL('./fixtures/final-handler.mjs', import.meta.url));

function canary(label: string): string {
  return `CANARY_${label}_${randomBytes(8).toString('hex')}`;
}

async function stderrOfApp(guard: 'on' | 'off', zrmText: string, ordinaryText: string) {
  const child = spawn(process.execPath, [fixture, guard], {
    // Express prints nothing in its 'test' environment
    env: { ...process.env, NODE_ENV: 'development' },
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
  const post = async (query: string, text: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/text-to-speech${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, voice_id: 'v1' }),
    });
    await res.text();
    return res.status;
  };
  const statuses = [await post('?enable_logging=false', zrmText), await post('', ordinaryText)];
  // Express's final handler prints the stack on the next turn (setImmediate), after the answer
  for (let waited = 0; waited < 5_000; waited += 20) {
    if (Buffer.concat(stderr).toString('utf8').split('final-handler.mjs').length > 2) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const exited = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  await exited;
  return { statuses, stderr: Buffer.concat(stderr).toString('utf8') };
}

beforeAll(() => ensureBuilt('express'));

describe("Express's final handler and guardConsole", () => {
  it('prints no ZRM canary from a thrown error on stderr, and the full stack of an ordinary one', async () => {
    const zrm = canary('zrm');
    const ordinary = canary('ordinary');
    const plain = await stderrOfApp('off', zrm, ordinary);
    // positive control: without the guard Express prints the ZRM request's content
    expect(plain.statuses).toEqual([500, 500]);
    expect(plain.stderr).toContain(`Error: synthesis failed for ${zrm}\n    at `);

    const guarded = await stderrOfApp('on', zrm, ordinary);
    expect(guarded.statuses).toEqual([500, 500]);
    expect(guarded.stderr).not.toContain(zrm);
    expect(guarded.stderr).toMatch(/^Error: \[REDACTED\]\n {4}at .*final-handler\.mjs/m);
    expect(guarded.stderr).toMatch(
      new RegExp(`^Error: synthesis failed for ${ordinary}\\n {4}at .*final-handler\\.mjs`, 'm'),
    );
  });
});
