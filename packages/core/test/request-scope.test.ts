import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { currentScope, definePolicy, isZrmError, redact } from '@zrm/core';
import { openRequestScope, registerParsedBody } from '@zrm/core/adapter';

const policy = definePolicy({ statefulParams: ['previous_request_ids'], taint: { graceMs: 0 } });

describe('openRequestScope', () => {
  it('runs listeners of the request and the response in the scope and ends it on close', () => {
    const req = new EventEmitter();
    const res = new EventEmitter();
    const scope = openRequestScope(
      req,
      res,
      { zeroRetention: true, source: 'request' },
      policy,
      'r1',
    );
    const seen: unknown[] = [];
    req.on('data', () => seen.push(currentScope()));
    res.on('finish', () => seen.push(currentScope()));
    res.on('close', () => seen.push(currentScope()?.requestId));
    req.emit('data', 'chunk');
    res.emit('finish');
    expect(scope.ended).toBe(false);
    res.emit('close');
    expect(seen).toEqual([scope, scope, 'r1']);
    expect(scope.zeroRetention).toBe(true);
    expect(scope.source).toBe('request');
    expect(scope.ended).toBe(true);
  });
});

describe('registerParsedBody', () => {
  const zrm = { zeroRetention: true, source: 'request' } as const;

  it('registers the body of a ZRM request as content', () => {
    const scope = openRequestScope(new EventEmitter(), new EventEmitter(), zrm, policy, 'r2');
    const secret = 'body-canary-4f1c2a9be07d';
    expect(registerParsedBody({ text: secret }, scope, zrm)).toBeUndefined();
    scope.run(() => {
      expect(JSON.stringify(redact({ note: `said ${secret}` }))).not.toContain(secret);
      // control: a string that was not registered stays
      expect(JSON.stringify(redact({ note: 'said unregistered-7d2e91' }))).toContain(
        'unregistered-7d2e91',
      );
    });
  });

  it('returns the refusal for a stateful parameter in the body, and nothing for an ordinary request', () => {
    const scope = openRequestScope(new EventEmitter(), new EventEmitter(), zrm, policy, 'r3');
    const refusal = registerParsedBody({ previous_request_ids: ['a'] }, scope, zrm);
    expect(isZrmError(refusal)).toBe(true);
    expect(refusal?.code).toBe('zero_retention_unavailable');
    expect(refusal?.status).toBe(400);
    const ordinary = { zeroRetention: false, source: 'default' } as const;
    const plain = openRequestScope(new EventEmitter(), new EventEmitter(), ordinary, policy, 'r4');
    expect(registerParsedBody({ previous_request_ids: ['a'] }, plain, ordinary)).toBeUndefined();
  });
});
