import { describe } from 'vitest';
import { definePolicy } from '../packages/core/dist/index.js';
import { createScope } from '../packages/core/dist/adapter.js';
import { ZeroRetentionSpanProcessor } from '../packages/otel/dist/index.js';
import { fromPackage } from './lib/deps.js';
import { ZrmRequestsInFlight, noneInFlight } from './lib/in-flight.js';
import { interleaved } from './lib/interleave.js';

type Span = { setAttribute(key: string, value: unknown): void; end(): void };
type Tracer = { startSpan(name: string, options?: object): Span };
const sdk = fromPackage('packages/otel')('@opentelemetry/sdk-trace-base');
const Provider = sdk.BasicTracerProvider as new (config: object) => {
  getTracer(name: string): Tracer;
};

/** The processor the SDK would call next (a BatchSpanProcessor in a service): here it only counts. */
let ended = 0;
const inner = {
  onStart: () => {},
  onEnd: () => void ended++,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const policy = definePolicy({ taint: { graceMs: 60_000 } });
const ordinary = createScope({ zeroRetention: false, policy });
const zrm = createScope({ zeroRetention: true, policy });

const bare = new Provider({ spanProcessors: [inner] }).getTracer('bench');
const wrapped = new Provider({
  spanProcessors: [new ZeroRetentionSpanProcessor(inner, { policy })],
}).getTracer('bench');

const text = 'Please read my card number back to me, it is 4111 1111 1111 1111. '.repeat(4);
/** Ten attributes: six metadata, four content (prompt, completion, text, transcript). */
const attributes = {
  'http.route': '/v1/text-to-speech/:voice_id',
  'http.response.status_code': 200,
  'voice.id': '21m00Tcm4TlvDq8ikWAM',
  'model.id': 'eleven_multilingual_v2',
  'tts.characters': text.length,
  'request.id': 'req-0123456789',
  'gen_ai.prompt': text,
  'gen_ai.completion': text,
  'tts.text': text,
  'stt.transcript': text,
};

function span(tracer: Tracer): void {
  tracer.startSpan('tts.synthesize', { attributes }).end();
}

// The processor's cost is the difference between a case and its bare twin in the same scope.
describe('span with 10 attributes', () => {
  interleaved(
    [
      ['SDK span, bare processor, ordinary scope', () => ordinary.run(() => span(bare))],
      [
        'SDK span, ZeroRetentionSpanProcessor, ordinary scope',
        () => ordinary.run(() => span(wrapped)),
      ],
      ['SDK span, bare processor, ZRM scope', () => zrm.run(() => span(bare))],
      ['SDK span, ZeroRetentionSpanProcessor, ZRM scope', () => zrm.run(() => span(wrapped))],
    ],
    { setup: noneInFlight },
  );
});

// 1,000 ZRM requests in flight, opened before each case of this group and ended after it.
const inFlight = new ZrmRequestsInFlight(
  Object.values(attributes).filter((v): v is string => typeof v === 'string'),
);
describe('span with 10 attributes, ZRM requests in flight', () => {
  interleaved(
    [
      ['SDK span, bare processor, ordinary scope', () => ordinary.run(() => span(bare))],
      [
        'SDK span, ZeroRetentionSpanProcessor, ordinary scope, ZRM requests in flight',
        () => ordinary.run(() => span(wrapped)),
      ],
    ],
    { setup: inFlight.open, teardown: inFlight.close },
  );
});
