import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runNode } from '../../../test/support/node-process.js';
import { canary } from './helpers/server.js';

/**
 * Hono's console leak paths, in a real process whose stdout and stderr bytes
 * are read: the default `onError` (`console.error(err)`) and `hono/logger`
 * (`console.log` of method and URL with its query).
 */
const fixture = fileURLToPath(new URL('./fixtures/console-app.mjs', import.meta.url));

type Config = [
  adapter: 'on' | 'off',
  guard: 'on' | 'off',
  logger: 'none' | 'before' | 'after',
  onError: 'default' | 'zrm',
];

async function run(...config: Config) {
  const c = {
    ZRM_Q: canary('zrmq'),
    ZRM_B: canary('zrmb'),
    ORD_Q: canary('ordq'),
    ORD_B: canary('ordb'),
  };
  const out = await runNode(fixture, config, c);
  const stdout = out.stdout.toString('utf8');
  const stderr = out.stderr.toString('utf8');
  const statuses = JSON.parse(/^RESULT (.*)$/m.exec(stdout)?.[1] ?? 'null') as number[] | null;
  return { ...c, statuses, stdout, stderr, all: stdout + stderr };
}

beforeAll(() => ensureBuilt('hono'));

describe("Hono's default onError", () => {
  it('prints a ZRM error with its content when nothing covers it (the leak, shown)', async () => {
    const r = await run('on', 'off', 'none', 'default');
    expect(r.statuses).toEqual([500, 500]);
    expect(r.stderr).toContain(`Error: synthesis failed for ${r.ZRM_Q} ${r.ZRM_B}`);
  });

  it('with guardConsole(): prints the ZRM error redacted, the ordinary one complete', async () => {
    const r = await run('on', 'on', 'none', 'default');
    expect(r.statuses).toEqual([500, 500]);
    expect(r.all).not.toContain(r.ZRM_Q);
    expect(r.all).not.toContain(r.ZRM_B);
    expect(r.stderr).toMatch(/^Error: \[REDACTED\]\n {4}at /m);
    expect(r.stderr).toContain(`Error: synthesis failed for ${r.ORD_Q} ${r.ORD_B}`);
  });

  it('with zeroRetentionErrorHandler(): the ZRM error is not printed at all; ordinary errors as Hono does', async () => {
    const r = await run('on', 'off', 'none', 'zrm');
    expect(r.statuses).toEqual([500, 500]);
    expect(r.all).not.toContain(r.ZRM_Q);
    expect(r.all).not.toContain(r.ZRM_B);
    expect(r.stderr).toContain(`Error: synthesis failed for ${r.ORD_Q} ${r.ORD_B}`);
  });
});

describe('hono/logger (console.log of method and URL)', () => {
  it('positive control: without the adapter it prints the ZRM query', async () => {
    const r = await run('off', 'on', 'after', 'default');
    expect(r.stdout).toContain(`<-- POST /throw?enable_logging=false&text=${r.ZRM_Q}`);
  });

  it('mounted after zeroRetention() with guardConsole(): no ZRM query value, ordinary URLs complete', async () => {
    const r = await run('on', 'on', 'after', 'zrm');
    // guardConsole redacts a ZRM line's message whole: both lines of the request print as [REDACTED]
    expect(r.stdout.split('\n').filter((line) => line === '[REDACTED]')).toHaveLength(2);
    expect(r.all).not.toContain(r.ZRM_Q);
    expect(r.stdout).toContain(`<-- POST /throw?text=${r.ORD_Q}`);
  });

  it('mounted before zeroRetention(): its lines run outside the request scope and show the query (not covered: mount it after)', async () => {
    const r = await run('on', 'on', 'before', 'zrm');
    expect(r.stdout).toContain(`<-- POST /throw?enable_logging=false&text=${r.ZRM_Q}`);
  });
});
