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
