import { definePolicy, markSensitive, runWithScope } from '@zrm/core';
import { describe, expect, it } from 'vitest';
import { redactAttributes, redactName } from '../src/attributes.js';
import { canary } from './support/canary.js';

const policy = definePolicy();

describe('ZRM attribute redaction', () => {
  it('replaces a binary value under a content key by its size, never its bytes', () => {
    const out = redactAttributes(
      { audio: new Uint8Array([1, 2, 3, 4]), 'audio.format': 'mp3' },
      policy,
    );
    expect(out).toEqual({ audio: '[binary 4 bytes]', 'audio.format': 'mp3' });
  });

  it('removes registered content from strings and string arrays under ordinary keys', () => {
    const secret = canary('attr');
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(secret);
      const out = redactAttributes(
        { 'app.note': `saw ${secret}`, 'app.list': ['ok', secret], n: 3 },
        policy,
      );
      expect(out).toEqual({ 'app.note': 'saw [REDACTED]', 'app.list': ['ok', '[REDACTED]'], n: 3 });
      expect(redactName(`speak ${secret}`, policy)).toBe('speak [REDACTED]');
    });
  });

  it('keeps only allowed keys under a strict policy, and the frames of a stack trace', () => {
    const strict = definePolicy({ strict: { allowKeys: ['http.route', 'exception.stacktrace'] } });
    const out = redactAttributes(
      {
        'http.route': '/v1/tts',
        'app.anything': 'free text',
        'exception.stacktrace': 'Error: secret words\n    at handler (app.js:1:1)',
      },
      strict,
    );
    expect(out).toEqual({
      'http.route': '/v1/tts',
      'app.anything': '[REDACTED]',
      'exception.stacktrace': '[REDACTED]\n    at handler (app.js:1:1)',
    });
  });

  it('keeps the name of a span without a query string and redacts the values of one with', () => {
    expect(redactName('GET /v1/voices', policy)).toBe('GET /v1/voices');
    expect(redactName('GET /v1/tts?text=hello&model_id=m1', policy)).toBe(
      'GET /v1/tts?text=[REDACTED]&model_id=m1',
    );
  });
});
