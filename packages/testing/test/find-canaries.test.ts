import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createAudioCanary, createTextCanary, findCanaries } from '@zrm/testing';
import type { Canary } from '@zrm/testing';

const text = createTextCanary('find');
const other = createTextCanary('other');
const audio = createAudioCanary('find-audio');

function formOf(haystack: unknown, canary: Canary = text): string | undefined {
  const hits = findCanaries(haystack as string, canary);
  return hits[0]?.form;
}

describe('findCanaries on text canaries', () => {
  it('finds the plain text inside a log line', () => {
    expect(formOf(`level=info msg=${text.value} done`)).toBe('plain');
  });

  it('finds the JSON-escaped text in a pino-style line, escaped twice, and ASCII-escaped', () => {
    expect(formOf(JSON.stringify({ msg: 'tts', text: text.value }))).toBe('json-escaped');
    expect(formOf(JSON.stringify({ msg: JSON.stringify({ text: text.value }) }))).toBe(
      'json-escaped',
    );
    const ascii = JSON.stringify({ text: text.value }).replace(/é/g, '\\u00e9');
    expect(formOf(ascii)).toBe('json-escaped');
  });

  it('finds the URL-encoded text in a logged URL (component, form and URI encodings)', () => {
    expect(formOf(`GET /v1/tts?text=${encodeURIComponent(text.value)}&x=1`)).toBe('url-encoded');
    expect(formOf(`/v1/tts?${new URLSearchParams({ text: text.value }).toString()}`)).toBe(
      'url-encoded',
    );
    expect(formOf(encodeURI(`/v1/tts/${text.value}`))).toBe('url-encoded');
  });

  it('finds base64 and base64url of a larger payload at every byte alignment', () => {
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const payload = Buffer.from(`${prefix}${text.value} trailing`, 'utf8');
      expect(formOf(`body=${payload.toString('base64')}`)).toBe('base64');
      const url = payload.toString('base64url');
      expect(['base64', 'base64url']).toContain(formOf(`body=${url}`));
    }
    const body = Buffer.from(JSON.stringify({ text: text.value }));
    expect(formOf(body.toString('base64'))).toBe('base64');
  });

  it('finds the hex of the text in lower or upper case', () => {
    expect(formOf(`dump ${Buffer.from(text.value).toString('hex')}`)).toBe('hex');
    expect(formOf(`DUMP ${Buffer.from(text.value).toString('hex').toUpperCase()}`)).toBe('hex');
  });

  it('finds a 16-character fragment of a truncated or chunked text, raw or escaped', () => {
    const fragment = text.fragments[7]!;
    expect(fragment).toHaveLength(16);
    expect(formOf(`chunk: ${fragment}`)).toBe('fragment');
    const escaped = text.fragments.find((f) => f.includes('"'))!;
    expect(formOf(JSON.stringify({ chunk: escaped }))).toBe('fragment');
    expect(formOf(`q=${encodeURIComponent(text.fragments.find((f) => f.includes(' '))!)}`)).toBe(
      'fragment',
    );
  });

  it('does not report fewer than 16 characters, another canary, or text that merely looks similar', () => {
    const fragment = text.fragments[3]!;
    expect(findCanaries(`chunk: ${fragment.slice(0, 15)}`, text)).toEqual([]);
    expect(findCanaries(other.value, text)).toEqual([]);
    expect(findCanaries(`zrm canary find: ${'x'.repeat(60)}`, text)).toEqual([]);
  });

  it('finds the text in bytes, nested values and lists, naming each chunk', () => {
    const hits = findCanaries(
      [
        { source: 'a.log', data: Buffer.from(`x ${text.value}`) },
        { source: 'b.log', data: 'clean' },
        { deep: { msg: other.value } },
      ],
      [text, other],
    );
    expect(hits.map((h) => [h.label, h.source])).toEqual([
      ['find', 'a.log'],
      ['other', 'haystack[2]'],
    ]);
    expect(hits[0]!.offset).toBe(2);
  });

  it('does not find a canary inside gzip bytes (a capture must decode first)', () => {
    expect(findCanaries(gzipSync(Buffer.from(text.value.repeat(3))), text)).toEqual([]);
  });
});

describe('findCanaries on audio canaries', () => {
  it('finds the marker in raw upload bytes and in a copy of the WAV', () => {
    const upload = Buffer.concat([
      Buffer.from('--boundary\r\n\r\n'),
      Buffer.from(audio.bytes),
      Buffer.from('\r\n--boundary--'),
    ]);
    expect(formOf(upload, audio)).toBe('bytes');
    expect(formOf(Buffer.from(audio.bytes).subarray(200, 400), audio)).toBe('bytes');
  });

  it('finds the marker in base64, base64url and hex of the audio at any offset', () => {
    for (let cut = 0; cut < 3; cut++) {
      const slice = Buffer.from(audio.bytes).subarray(cut);
      expect(formOf(`"audio":"${slice.toString('base64')}"`, audio)).toBe('base64');
      expect(['base64', 'base64url']).toContain(formOf(slice.toString('base64url'), audio));
    }
    expect(formOf(Buffer.from(audio.bytes).toString('hex'), audio)).toBe('hex');
  });

  it('finds the marker in JSON.stringify of a Buffer (a logged Buffer)', () => {
    expect(formOf(JSON.stringify({ body: Buffer.from(audio.bytes) }), audio)).toBe('byte-list');
  });

  it('finds binary values lifted out of a plain object', () => {
    const hits = findCanaries({ upload: { file: new Uint8Array(audio.bytes) } }, audio);
    expect(hits.map((h) => h.form)).toEqual(['bytes']);
  });

  it('does not find the marker in another recording', () => {
    expect(findCanaries(createAudioCanary('x').bytes, audio)).toEqual([]);
  });
});
