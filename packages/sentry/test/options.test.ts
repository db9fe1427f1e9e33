import type { NodeOptions } from '@sentry/node';
import { createTextCanary } from '@zrm/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAFE_HEADERS, INTEGRATION_NAME, zeroRetentionIntegration } from '@zrm/sentry';

describe('zeroRetentionIntegration options', () => {
  const canary = createTextCanary('bad-option');

  function failure(options: unknown): Error {
    try {
      zeroRetentionIntegration(options as never);
    } catch (error) {
      return error as Error;
    }
    throw new Error('no error');
  }

  it.each([
    ['options that are not an object', canary.value, /options must be an object/],
    ['an array', [canary.value], /options must be an object/],
    ['an unknown option', { [canary.value]: 1 }, /unknown option \(graceMs, safeHeaders\)/],
    [
      'a graceMs that is not a number',
      { graceMs: canary.value },
      /graceMs must be an integer from 0 to 3600000/,
    ],
    ['a negative graceMs', { graceMs: -1 }, /graceMs must be an integer/],
    ['a fractional graceMs', { graceMs: 1.5 }, /graceMs must be an integer/],
    ['a graceMs over an hour', { graceMs: 3_600_001 }, /graceMs must be an integer/],
    [
      'safeHeaders that are not an array',
      { safeHeaders: canary.value },
      /safeHeaders must be an array of header names/,
    ],
    [
      'a safe header that is not a string',
      { safeHeaders: [{ name: canary.value }] },
      /safeHeaders must be an array/,
    ],
  ])(
    'rejects %s with a TypeError that names the option, never the value',
    (_, options, message) => {
      const error = failure(options);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/^zeroRetentionIntegration: /);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(canary.value.slice(0, 16));
      expect(error.message).not.toContain('3600001');
    },
  );

  it('accepts no options, and valid ones', () => {
    for (const options of [
      undefined,
      {},
      { graceMs: 0 },
      { graceMs: 3_600_000, safeHeaders: ['X-Tenant'] },
    ]) {
      const integration = zeroRetentionIntegration(options);
      expect(integration.name).toBe(INTEGRATION_NAME);
      expect(typeof integration.setup).toBe('function');
      expect(typeof integration.processEvent).toBe('function');
    }
  });

  it('keeps only metadata headers by default (no cookie, authorization, or custom header)', () => {
    expect(DEFAULT_SAFE_HEADERS).toContain('content-type');
    for (const name of ['cookie', 'authorization', 'x-api-key', 'referer', 'baggage']) {
      expect(DEFAULT_SAFE_HEADERS).not.toContain(name);
    }
  });

  it("is typed as the installed SDK's integration: it fits NodeOptions", () => {
    const options: NodeOptions = { integrations: [zeroRetentionIntegration({ graceMs: 10_000 })] };
    expect(options.integrations).toHaveLength(1);
  });
});
