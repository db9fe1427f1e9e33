/**
 * Keys whose values are content by default. A key matches when its whole
 * lower-cased name is listed, or when its last word is (so `userPrompt`,
 * `previous_text` and `input.messages` match, but `text_length` does not).
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  // text and speech
  'text',
  'texts',
  'transcript',
  'transcripts',
  'transcription',
  'utterance',
  'utterances',
  'speech',
  'caption',
  'captions',
  'subtitles',
  'alignment',
  'characters',
  'words',
  'content',
  'contents',
  'message',
  'messages',
  'question',
  'answer',
  // audio and uploads
  'audio',
  'file',
  'files',
  'buffer',
  'chunk',
  'chunks',
  // LLM prompts and completions
  'prompt',
  'prompts',
  'completion',
  'completions',
  'instructions',
  'delta',
  'input',
  'inputs',
  'output',
  'arguments',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  // HTTP bodies and query strings
  'body',
  'rawbody',
  'raw_body',
  'query',
  'search',
  'form',
  'fields',
  'http.request.body',
  'http.response.body',
  // credentials are never content, but a ZRM line has no reason to carry them
  'authorization',
  'cookie',
  'set-cookie',
  'xi-api-key',
  'x-api-key',
  'api_key',
  'apikey',
  'password',
  'secret',
  'token',
];

/** Keys whose values are URLs: in ZRM their query values are redacted. */
export const DEFAULT_URL_KEYS: readonly string[] = [
  'url',
  'originalurl',
  'href',
  'path',
  'http.url',
  'http.target',
  'url.full',
  'url.original',
];

/** Query parameters whose values are metadata, kept in ZRM URLs. */
export const DEFAULT_SAFE_QUERY_PARAMS: readonly string[] = [
  'enable_logging',
  'output_format',
  'model_id',
  'optimize_streaming_latency',
  'language_code',
  'apply_text_normalization',
  'seed',
];
