/** Log records shaped like a voice API's: metadata plus content fields, of about `bytes` bytes. */
export function voiceRecord(bytes: number): Record<string, unknown> {
  const filler = 'The quick brown fox jumps over the lazy dog. ';
  const text = filler.repeat(Math.max(1, Math.floor((bytes * 0.5) / filler.length)));
  const messageCount = Math.max(1, Math.floor(bytes / 1024));
  const messages = Array.from({ length: messageCount }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: filler.repeat(4),
  }));
  return {
    requestId: 'req-0123456789',
    route: '/v1/text-to-speech/:voice_id',
    method: 'POST',
    status: 200,
    durationMs: 12.5,
    voice_id: '21m00Tcm4TlvDq8ikWAM',
    model_id: 'eleven_multilingual_v2',
    text,
    transcript: text.slice(0, 100),
    messages,
    usage: { characters: text.length, chunks: 3 },
  };
}

/** The same content fields as pino `redact` paths. */
export const CONTENT_PATHS = ['text', 'transcript', 'messages[*].content'];

const PHRASES = [
  'so I was calling about',
  'the refill of my',
  'prescription at the pharmacy on',
  'could you move it to',
  'because my daughter has',
  'a recital after school and',
  'sorry, can you repeat',
  'the reference you gave me',
  'I already paid it online',
  'and the reminder still came',
];

/**
 * A distinct, transcript-like text of `length` characters (what a ZRM request
 * registers): phrases no logged fixture holds, and the caller's number.
 */
export function transcript(seed: number, length = 150): string {
  let x = seed + 1;
  let out = `caller ${seed}:`;
  while (out.length < length) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += ` ${PHRASES[(x >>> 16) % PHRASES.length]} ${(x >>> 8) % 1000}`;
  }
  return out.slice(0, length);
}
