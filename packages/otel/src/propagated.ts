import { createContextKey, type Context } from '@opentelemetry/api';

const PROPAGATED = createContextKey('@zrm/otel propagated zero retention');

/** True when `ctx` carries a `zrm=1` that the propagator accepted from a trusted peer. */
export function isPropagatedZeroRetention(ctx: Context | undefined): boolean {
  return ctx?.getValue(PROPAGATED) === true;
}

export function withPropagatedZeroRetention(ctx: Context): Context {
  return ctx.setValue(PROPAGATED, true);
}
