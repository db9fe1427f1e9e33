import type { TextMapPropagator } from '@opentelemetry/api';
import { ZeroRetentionPropagator } from '../propagator.js';
import type { SdkParts } from './sdk-parts.js';

const B3 = '@opentelemetry/propagator-b3';

type B3Class = new (config?: { injectEncoding?: number }) => TextMapPropagator;

function propagatorNamed(sdk: SdkParts, name: string): TextMapPropagator | undefined {
  switch (name) {
    case 'tracecontext':
      return new sdk.core.W3CTraceContextPropagator();
    case 'baggage':
      return new sdk.core.W3CBaggagePropagator();
    case 'b3':
      return new (sdk.dependencyClass<B3Class>(B3, 'B3Propagator'))();
    case 'b3multi':
      // B3InjectEncoding.MULTI_HEADER
      return new (sdk.dependencyClass<B3Class>(B3, 'B3Propagator'))({ injectEncoding: 1 });
    default:
      sdk.api.diag.warn(
        `@zrm/otel/register: unsupported OTEL_PROPAGATORS value "${name}" (supported: tracecontext, baggage, b3, b3multi, none)`,
      );
      return undefined;
  }
}

/**
 * The propagators `OTEL_PROPAGATORS` names (default: tracecontext, baggage),
 * then zrm's, last, so that it sees the baggage the W3C propagator extracted.
 * `none` leaves zrm's alone: a ZRM request still tells the services it calls
 * (`zrm=1`), and trusts no inbound `zrm=1`.
 */
export function propagatorFromEnv(sdk: SdkParts): TextMapPropagator {
  const names = [...new Set(sdk.core.getStringListFromEnv('OTEL_PROPAGATORS') ?? [])];
  const chosen =
    names.length === 0 ? ['tracecontext', 'baggage'] : names.includes('none') ? [] : names;
  const propagators: TextMapPropagator[] = [];
  for (const name of chosen) {
    const propagator = propagatorNamed(sdk, name);
    if (propagator !== undefined) propagators.push(propagator);
  }
  propagators.push(new ZeroRetentionPropagator());
  return new sdk.core.CompositePropagator({ propagators });
}
