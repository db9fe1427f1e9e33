// Deterministic synthetic speech: each character becomes a 40 ms tone whose
// frequency encodes it, so "speech-to-text" can read the text back. No model,
// no network — but the audio is as much content as the text it came from.
const SAMPLE_RATE = 16_000;
const SEGMENT = (SAMPLE_RATE * 40) / 1000;
const BASE_HZ = 200;
const STEP_HZ = 50;
const FIRST = 32;
const LAST = 126;

function frequency(code: number): number {
  const c = code >= FIRST && code <= LAST ? code : 63; // '?' for anything else
  return BASE_HZ + (c - FIRST) * STEP_HZ;
}

function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** The 40 ms tone of one character. */
function toneOf(code: number): Buffer {
  const hz = frequency(code);
  const segment = Buffer.alloc(SEGMENT * 2);
  for (let i = 0; i < SEGMENT; i++) {
    // a sine starting at phase 0 in every segment keeps zero crossings countable
    const sample = Math.round(Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE) * 12_000);
    segment.writeInt16LE(sample, i * 2);
  }
  return segment;
}

// Every tone built once at load (160 KB), whatever the input: synthesis copies bytes instead of
// computing sines, and the table says nothing about the texts that were spoken.
const TONES = Array.from({ length: LAST + 1 }, (_, code) => toneOf(code));

/** A 16 kHz mono 16-bit WAV that spells `text`, one tone per character. */
export function synthesize(text: string): Buffer {
  const codes: number[] = [];
  for (const ch of text) {
    if (codes.length === 5_000) break;
    codes.push(ch.codePointAt(0) ?? 63);
  }
  const dataBytes = codes.length * SEGMENT * 2;
  // Buffer.alloc, not a pooled allocation: the audio is content and must not share a slab with anything else
  const wav = Buffer.alloc(44 + dataBytes);
  wavHeader(dataBytes).copy(wav, 0);
  let offset = 44;
  for (const code of codes) offset += TONES[code <= LAST ? code : 63]!.copy(wav, offset);
  // Each text's audio at its own loudness (from a hash of the text): the same letter in two texts
  // is then two different byte runs, as in real speech, and zrm's byte comparison does not take
  // one request's audio for another's. Signs are kept, so transcribe reads the same tones.
  const scale = 0.75 + (0.25 * textHash(text)) / 2 ** 32;
  for (let at = 44; at + 1 < wav.length; at += 2)
    wav.writeInt16LE(Math.round(wav.readInt16LE(at) * scale), at);
  return wav;
}

function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Reads text back from audio made by `synthesize`; other audio gives a short description. */
export function transcribe(audio: Buffer): string {
  const isWav =
    audio.length >= 44 &&
    audio.toString('ascii', 0, 4) === 'RIFF' &&
    audio.toString('ascii', 8, 12) === 'WAVE';
  if (!isWav) return `[unrecognised audio, ${audio.length} bytes]`;
  const dataAt = audio.indexOf('data', 12, 'ascii');
  if (dataAt < 0) return '';
  return transcribePcm(audio.subarray(dataAt + 8));
}

/** Reads text back from raw 16 kHz mono 16-bit PCM (a WAV's samples): one character per whole 40 ms. */
export function transcribePcm(pcm: Buffer): string {
  const samples = Math.floor(pcm.length / 2);
  let text = '';
  for (let s = 0; s + SEGMENT <= samples; s += SEGMENT) {
    let crossings = 0;
    let prev = pcm.readInt16LE(s * 2);
    for (let i = 1; i < SEGMENT; i++) {
      const cur = pcm.readInt16LE((s + i) * 2);
      if ((prev < 0 && cur >= 0) || (prev >= 0 && cur < 0)) crossings++;
      prev = cur;
    }
    const hz = (crossings / 2) * (SAMPLE_RATE / SEGMENT);
    const code = Math.round((hz - BASE_HZ) / STEP_HZ) + FIRST;
    text += code >= FIRST && code <= LAST ? String.fromCharCode(code) : '?';
  }
  return text;
}

/** The samples of a WAV made by `synthesize` (16 kHz mono 16-bit PCM), without its header. */
export function pcmOf(wav: Buffer): Buffer {
  return wav.subarray(44);
}

/** A WAV file around raw 16 kHz mono 16-bit PCM. */
export function wavOf(pcm: Buffer): Buffer {
  const wav = Buffer.alloc(44 + pcm.length);
  wavHeader(pcm.length).copy(wav, 0);
  pcm.copy(wav, 44);
  return wav;
}

/** Bytes of 16 kHz mono 16-bit PCM per second. */
export const PCM_BYTES_PER_SECOND = SAMPLE_RATE * 2;

export const AUDIO_CONTENT_TYPE = 'audio/wav';
