import { describe, expect, it, vi } from 'vitest';
import { ZrmError, definePolicy, resolveZeroRetention } from '@zrm/core';
import { parseEnableLogging, queryValues } from '@zrm/core/adapter';

const policy = definePolicy();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ZrmError);
    return (error as ZrmError).code;
  }
  return undefined;
}

describe('enable_logging flag table', () => {
  it('keeps normal retention when enable_logging is absent', () => {
    expect(resolveZeroRetention({}, policy)).toEqual({ zeroRetention: false, source: 'default' });
    expect(resolveZeroRetention({ enableLogging: [] }, policy).zeroRetention).toBe(false);
  });

  it.each(['false', 'FALSE', 'False', 'fAlSe', '0'])(
    'turns ZRM on for enable_logging=%s',
    (value) => {
      expect(resolveZeroRetention({ enableLogging: [value] }, policy)).toEqual({
        zeroRetention: true,
        source: 'request',
      });
    },
  );

  it.each(['true', 'TRUE', 'True', '1'])('keeps retention for enable_logging=%s', (value) => {
    expect(resolveZeroRetention({ enableLogging: value }, policy).zeroRetention).toBe(false);
  });

  it.each([
    '',
    ' ',
    'flase',
    'no',
    'off',
    'yes',
    ' false',
    'false ',
    '00',
    'truee',
    'null',
    '\u0000',
    'x'.repeat(10_240),
  ])('rejects enable_logging=%j with 400 invalid_enable_logging', (value) => {
    let caught: ZrmError | undefined;
    try {
      resolveZeroRetention({ enableLogging: [value] }, policy);
    } catch (error) {
      caught = error as ZrmError;
    }
    expect(caught).toBeInstanceOf(ZrmError);
    expect(caught?.code).toBe('invalid_enable_logging');
    expect(caught?.status).toBe(400);
    expect(caught?.param).toBe('enable_logging');
    if (value.trim().length > 1) expect(caught?.message).not.toContain(value);
    expect(JSON.stringify(caught?.toJSON())).not.toContain('x'.repeat(100));
  });

  it('accepts repeated values that agree', () => {
    expect(
      resolveZeroRetention({ enableLogging: ['false', '0', 'FALSE'] }, policy).zeroRetention,
    ).toBe(true);
    expect(resolveZeroRetention({ enableLogging: ['true', '1'] }, policy).zeroRetention).toBe(
      false,
    );
  });

  it('rejects repeated values that disagree with 400 invalid_enable_logging', () => {
    expect(codeOf(() => resolveZeroRetention({ enableLogging: ['false', 'true'] }, policy))).toBe(
      'invalid_enable_logging',
    );
    expect(codeOf(() => resolveZeroRetention({ enableLogging: ['1', '0'] }, policy))).toBe(
      'invalid_enable_logging',
    );
  });

  it('rejects non-string values', () => {
    expect(codeOf(() => parseEnableLogging([42]))).toBe('invalid_enable_logging');
    expect(codeOf(() => parseEnableLogging([{}]))).toBe('invalid_enable_logging');
    expect(parseEnableLogging([false])).toBe(false);
  });

  it('refuses ZRM to a principal that is not entitled with 403 and notifies onRestricted without content', () => {
    const onRestricted = vi.fn();
    const strict = definePolicy({ onRestricted });
    let caught: ZrmError | undefined;
    try {
      resolveZeroRetention(
        { enableLogging: ['false'], entitled: false, principal: 'tenant-7' },
        strict,
      );
    } catch (error) {
      caught = error as ZrmError;
    }
    expect(caught?.code).toBe('zero_retention_not_allowed');
    expect(caught?.status).toBe(403);
    expect(onRestricted).toHaveBeenCalledWith({
      code: 'zero_retention_not_allowed',
      principal: 'tenant-7',
    });
  });

  it('still refuses when the onRestricted hook throws', () => {
    const strict = definePolicy({
      onRestricted: () => {
        throw new Error('hook failed');
      },
    });
    expect(
      codeOf(() => resolveZeroRetention({ enableLogging: 'false', entitled: false }, strict)),
    ).toBe('zero_retention_not_allowed');
  });

  it('does not ask about entitlement when ZRM is not requested', () => {
    expect(
      resolveZeroRetention({ enableLogging: 'true', entitled: false }, policy).zeroRetention,
    ).toBe(false);
  });

  it('forces ZRM whatever the request says, enable_logging=true included', () => {
    expect(resolveZeroRetention({ enableLogging: ['true'], forced: true }, policy)).toEqual({
      zeroRetention: true,
      source: 'policy',
    });
    expect(resolveZeroRetention({ forced: true, entitled: false }, policy).zeroRetention).toBe(
      true,
    );
  });

  it('still rejects an invalid flag on a forced request', () => {
    expect(
      codeOf(() => resolveZeroRetention({ enableLogging: 'maybe', forced: true }, policy)),
    ).toBe('invalid_enable_logging');
  });

  it('honours a propagated zrm=1 only from a trusted peer', () => {
    expect(resolveZeroRetention({ propagated: true, propagatedTrusted: true }, policy)).toEqual({
      zeroRetention: true,
      source: 'propagated',
    });
    expect(
      resolveZeroRetention({ propagated: true, propagatedTrusted: false }, policy).zeroRetention,
    ).toBe(false);
    expect(resolveZeroRetention({ propagated: true }, policy).zeroRetention).toBe(false);
    expect(
      resolveZeroRetention(
        { enableLogging: 'true', propagated: true, propagatedTrusted: true },
        policy,
      ).zeroRetention,
    ).toBe(true);
  });

  it('refuses ZRM together with a stateful parameter, naming the parameter', () => {
    let caught: ZrmError | undefined;
    try {
      resolveZeroRetention(
        { enableLogging: 'false', statefulParams: ['previous_request_ids'] },
        policy,
      );
    } catch (error) {
      caught = error as ZrmError;
    }
    expect(caught?.code).toBe('zero_retention_unavailable');
    expect(caught?.status).toBe(400);
    expect(caught?.param).toBe('previous_request_ids');
    expect(caught?.message).toContain('previous_request_ids');
    expect(
      resolveZeroRetention(
        { enableLogging: 'true', statefulParams: ['previous_request_ids'] },
        policy,
      ),
    ).toEqual({
      zeroRetention: false,
      source: 'default',
    });
  });

  it('serializes errors as { error: { code, message, param } }', () => {
    const error = new ZrmError('zero_retention_unavailable', 'no', { param: 'p' });
    expect(error.toJSON()).toEqual({
      error: { code: 'zero_retention_unavailable', message: 'no', param: 'p' },
    });
    expect(new ZrmError('not_found', 'gone').toJSON()).toEqual({
      error: { code: 'not_found', message: 'gone' },
    });
  });
});

describe('queryValues reads the raw query string', () => {
  it('returns every value of a parameter, decoded, in order', () => {
    expect(
      queryValues('/v1/tts?enable_logging=false&x=1&enable_logging=TRUE', 'enable_logging'),
    ).toEqual(['false', 'TRUE']);
    expect(queryValues('/p?enable_logging', 'enable_logging')).toEqual(['']);
    expect(queryValues('/p?enable%5Flogging=f%61lse', 'enable_logging')).toEqual(['false']);
    expect(queryValues('/p', 'enable_logging')).toEqual([]);
    expect(queryValues('/p?a=1#enable_logging=false', 'enable_logging')).toEqual([]);
  });

  it('turns an undecodable value into one that fails validation', () => {
    const values = queryValues('/p?enable_logging=%E0%A4%A', 'enable_logging');
    expect(codeOf(() => parseEnableLogging(values))).toBe('invalid_enable_logging');
  });
});

describe('definePolicy', () => {
  it('rejects bad options with a TypeError', () => {
    expect(() => definePolicy({ taint: { fragmentLength: 2 } })).toThrow(TypeError);
    expect(() => definePolicy({ maxDepth: -1 })).toThrow(TypeError);
    expect(() => definePolicy({ force: 'yes' as unknown as () => boolean })).toThrow(TypeError);
    expect(() => definePolicy(null as unknown as object)).toThrow(TypeError);
  });

  it('returns a policy unchanged and accepts extra keys', () => {
    const p = definePolicy({ sensitiveKeys: ['Card_Number'] });
    expect(definePolicy(p)).toBe(p);
    expect(p.sensitiveKeys.has('card_number')).toBe(true);
    expect(p.sensitiveKeys.has('text')).toBe(true);
    expect(
      definePolicy({ replaceDefaultKeys: true, sensitiveKeys: ['x'] }).sensitiveKeys.has('text'),
    ).toBe(false);
    expect(Object.isFrozen(p)).toBe(true);
  });
});
