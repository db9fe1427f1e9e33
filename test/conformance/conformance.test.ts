import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { PolicyOptions, RestrictionEvent } from '@zrm/core';
import { DRIVERS } from './drivers/index.js';
import type { ConformanceRequest, Driver, DriverApp } from './drivers/types.js';
import { acceptedOutcomes, describeObserved } from './outcome.js';
import { FLAG_CANARY, POLICIES, ROWS, needsOf, type PolicyName, type Row } from './table.js';

/** A random marker: no two of them share a 16-character run (taint fragments are 16 long). */
const canary = () => `zc${randomBytes(12).toString('hex')}`;

interface Canaries {
  query: string;
  body: string;
  flag: string;
}

function concrete(row: Row, canaries: Canaries): ConformanceRequest {
  const { enableLogging = [], query, headers = {}, body } = row.request;
  return {
    id: `conformance-${randomBytes(6).toString('hex')}`,
    enableLogging: enableLogging.map((value) => value.replace(FLAG_CANARY, canaries.flag)),
    query: query ?? '',
    headers,
    body: body ?? {},
    canaries: { query: canaries.query, body: canaries.body },
  };
}

/** The canaries a driver put into the request (the flag canary rides with the flag). */
function sentCanaries(driver: Driver, row: Row, canaries: Canaries): string[] {
  const sent = [canaries.body];
  if (driver.carries.query) sent.push(canaries.query);
  if (row.request.enableLogging?.includes(FLAG_CANARY) === true) sent.push(canaries.flag);
  return sent;
}

/** What a driver's handler logs for the request (see the drivers). */
function handlerLine(driver: Driver, canaries: Canaries): string {
  return `handled query=${driver.carries.query ? canaries.query : 'null'} body=${canaries.body}`;
}

interface Split {
  runs: Row[];
  skips: Array<Row & { missing: string }>;
}

function split(driver: Driver): Split {
  const out: Split = { runs: [], skips: [] };
  for (const row of ROWS) {
    const missing = needsOf(row).filter((need) => !driver.supports.has(need));
    if (missing.length > 0) out.skips.push({ ...row, missing: missing.join(', ') });
    else out.runs.push(row);
  }
  return out;
}

// `%s` of a name: test names in full (`$name` would quote and shorten them)
const named = <T extends { name: string }>(items: readonly T[]): Array<[string, T]> =>
  items.map((item) => [item.name, item]);

describe.each(named(DRIVERS))('conformance: %s', (_name, driver) => {
  const apps = new Map<PolicyName, Promise<DriverApp>>();
  const restricted: RestrictionEvent[] = [];
  /** One app per policy variant, started on first use. */
  const appFor = (policy: PolicyName): Promise<DriverApp> => {
    let app = apps.get(policy);
    if (app === undefined) {
      const options: PolicyOptions = POLICIES[policy];
      app = driver.start({
        ...options,
        onRestricted: (event) => {
          restricted.push(event);
          options.onRestricted?.(event);
        },
      });
      apps.set(policy, app);
    }
    return app;
  };
  afterAll(async () => {
    for (const app of apps.values()) await (await app).close();
  });

  async function check(row: Row): Promise<void> {
    const canaries: Canaries = { query: canary(), body: canary(), flag: canary() };
    const request = concrete(row, canaries);
    const app = await appFor(row.policy);
    restricted.length = 0;
    const before = app.logText().length;
    const observed = await app.send(request);
    const log = app.logText();
    const own = log.slice(before);

    // the outcome of the flag table
    const accepted = acceptedOutcomes(row.expect, driver.transport);
    const outcome = describeObserved(observed);
    expect(outcome, `observed ${outcome}, expected ${accepted.join(' or ')}`).toBeOneOf(accepted);

    // response headers
    const zrm = 'served' in row.expect && row.expect.served === 'zrm';
    if ('served' in row.expect) {
      if (driver.transport !== 'message')
        expect(observed.zeroRetentionHeader).toBe(zrm ? 'enforced' : null);
      if (driver.transport === 'http') expect(observed.cacheControl).toBe(zrm ? 'no-store' : null);
    } else {
      if (driver.transport !== 'message') expect(observed.cacheControl).toBe('no-store');
      // content-free: the refusal quotes nothing of the request
      if (driver.transport !== 'message') {
        const body = JSON.parse(observed.errorText ?? '') as { error: Record<string, unknown> };
        expect(Object.keys(body)).toEqual(['error']);
        expect(typeof body.error.message).toBe('string');
      }
      for (const secret of Object.values(canaries))
        expect(observed.errorText).not.toContain(secret);
    }

    // onRestricted fired exactly when the row says
    const account = row.request.headers?.['x-account'];
    expect(restricted).toEqual(
      row.restricted === true ? [{ code: 'zero_retention_not_allowed', principal: account }] : [],
    );

    // the log: ordinary content arrives complete, ZRM and refused content never
    const sent = sentCanaries(driver, row, canaries);
    if ('served' in row.expect && !zrm) {
      expect(own).toContain(handlerLine(driver, canaries));
      for (const secret of sent) expect(own).toContain(secret);
    } else {
      if ('served' in row.expect) expect(own).toContain('handled query=');
      for (const secret of sent) expect(log).not.toContain(secret);
    }
  }

  const { runs, skips } = split(driver);
  if (runs.length > 0) it.each(named(runs))('%s', (_row, row) => check(row));
  if (skips.length > 0)
    it.skip.each(skips.map((row) => [row.name, row.missing]))(
      '%s [not applicable: needs %s]',
      () => undefined,
    );

  it('positive control: without the adapter, the canaries of a ZRM request reach the log', async () => {
    const app = await driver.start(undefined);
    try {
      const row: Row = {
        name: 'control',
        policy: 'no options',
        request: { enableLogging: ['false'] },
        expect: { served: 'ordinary' },
      };
      const canaries: Canaries = { query: canary(), body: canary(), flag: canary() };
      const observed = await app.send(concrete(row, canaries));
      expect(describeObserved(observed)).toBe('served ordinary');
      expect(app.logText()).toContain(handlerLine(driver, canaries));
      for (const secret of sentCanaries(driver, row, canaries))
        expect(app.logText()).toContain(secret);
    } finally {
      await app.close();
    }
  });
});
