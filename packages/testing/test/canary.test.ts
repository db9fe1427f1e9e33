import { describe, expect, it } from 'vitest';
import { ZrmError } from '@zrm/core';
import { createAudioCanary, createCanary, createTextCanary } from '@zrm/testing';

describe('createCanary', () => {
  it('makes a unique text canary with characters every encoding changes', () => {
    const a = createTextCanary('tts');
    const b = createTextCanary('tts');
    expect(a.value).not.toBe(b.value);
    expect(a.value).toContain('tts');
    expect(a.value).toMatch(/[ "&/é]/);
    expect(JSON.stringify(a.value).slice(1, -1)).not.toBe(a.value);
    expect(encodeURIComponent(a.value)).not.toBe(a.value);
  });

  it('lists fragments of the random part, each exactly the fragment length and inside the value', () => {
    const canary = createTextCanary('frag', { fragmentLength: 20 });
    expect(canary.fragments.length).toBeGreaterThan(10);
    for (const fragment of canary.fragments) {
      expect(fragment).toHaveLength(20);
      expect(canary.value).toContain(fragment);
      expect(fragment).not.toContain('frag');
    }
  });

  it('makes an audio canary that is a valid 16-bit mono WAV repeating its random marker', () => {
    const canary = createAudioCanary('upload', { repeats: 5 });
    const bytes = Buffer.from(canary.bytes);
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
    expect(bytes.readUInt16LE(22)).toBe(1);
    expect(bytes.readUInt16LE(34)).toBe(16);
    let count = 0;
    for (let at = bytes.indexOf(canary.marker); at >= 0; at = bytes.indexOf(canary.marker, at + 1))
      count++;
    expect(count).toBe(5);
    expect(createAudioCanary('upload').marker).not.toEqual(canary.marker);
  });

  it('refuses a bad label or kind with a ZrmError that does not quote the input', () => {
    const bad = 'secret text <script>';
    const attempt = (): unknown => createCanary({ label: bad });
    expect(attempt).toThrow(ZrmError);
    try {
      attempt();
    } catch (error) {
      expect((error as ZrmError).code).toBe('invalid_request');
      expect((error as ZrmError).message).not.toContain(bad);
    }
    expect(() => createCanary({ kind: 'video' as 'text' })).toThrow(ZrmError);
    expect(() => createCanary({ kind: 'audio', markerBytes: 4 })).toThrow(ZrmError);
  });
});
