import {
  propagation,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isZeroRetention } from '@zrm/core';
import { baggageAsksZeroRetention, serializeBaggage } from './baggage-header.js';
import { isPropagatedZeroRetention, withPropagatedZeroRetention } from './propagated.js';
import type { ZeroRetentionPropagatorOptions } from './types.js';

const BAGGAGE = 'baggage';

/**
 * Carries ZRM across services as W3C baggage `zrm=1`. Outgoing requests from
 * a ZRM scope (or a trusted propagated ZRM) get `zrm=1`, whatever the
 * baggage said. An inbound `zrm=1` is honoured only when `trustPeer` accepts
 * the carrier; from anyone else it is removed from the context, so it is not
 * passed on either. Put it after `W3CTraceContextPropagator` and
 * `W3CBaggagePropagator` in a `CompositePropagator`.
 */
export class ZeroRetentionPropagator implements TextMapPropagator {
  readonly #trustPeer: (carrier: unknown) => boolean;

  constructor(options: ZeroRetentionPropagatorOptions = {}) {
    const trustPeer = options.trustPeer;
    if (trustPeer !== undefined && typeof trustPeer !== 'function') {
      throw new TypeError('@zrm/otel: trustPeer must be a function');
    }
    this.#trustPeer = trustPeer ?? (() => false);
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (!isZeroRetention() && !isPropagatedZeroRetention(context)) return;
    const entries = propagation.getBaggage(context)?.getAllEntries() ?? [];
    setter.set(carrier, BAGGAGE, serializeBaggage(entries));
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    if (!baggageAsksZeroRetention(getter.get(carrier, BAGGAGE))) return context;
    let trusted = false;
    try {
      trusted = this.#trustPeer(carrier) === true;
    } catch {
      // a failing trust check trusts no one
    }
    if (trusted) return withPropagatedZeroRetention(context);
    const baggage = propagation.getBaggage(context);
    if (baggage?.getEntry('zrm') === undefined) return context;
    return propagation.setBaggage(context, baggage.removeEntry('zrm'));
  }

  fields(): string[] {
    return [BAGGAGE];
  }
}
