// The requests sent to bench/http-server.mjs (bench/http.mjs, bench/cpu-per-request.mjs).
export const PATH = '/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM';
export const ZRM_QUERY = '?enable_logging=false';
export const HEADERS = { 'content-type': 'application/json', 'xi-api-key': 'sk_demo_acme_health' };

/**
 * Ordinary and ZRM requests carry different texts, sharing no 16-character run,
 * as two users' requests do: with one text for both, the ZRM requests' content
 * (kept for its grace period) would be in every ordinary line. The adapter-only
 * apps log the text once per request.
 */
const body = (text) => JSON.stringify({ text });
export const plainBodies = {
  ordinary: body(
    'Your appointment with doctor Rivera is confirmed for Tuesday at nine. '.repeat(3),
  ),
  zrm: body('Refill my lisinopril and send it to the Elm Street pharmacy by Friday. '.repeat(3)),
};
const stackBody = (text) => JSON.stringify({ text, model_id: 'eleven_multilingual_v2' });
export const stackBodies = {
  ordinary: stackBody('Your appointment is on Tuesday.'),
  zrm: stackBody('Please call me back on Friday.'),
};
