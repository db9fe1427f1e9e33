import { describe, expect, it } from 'vitest';
import { synthesize, transcribe } from '../src/audio.js';

describe('synthetic speech', () => {
  it('reads back the text it synthesized', () => {
    const text = 'Hello, patient 42: your refill is ready!';
    const wav = synthesize(text);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(transcribe(wav)).toBe(text);
  });

  it('is deterministic and describes audio it did not make', () => {
    expect(synthesize('abc').equals(synthesize('abc'))).toBe(true);
    expect(transcribe(Buffer.from('not audio'))).toBe('[unrecognised audio, 9 bytes]');
  });
});
