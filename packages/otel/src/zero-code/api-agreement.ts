import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';

const PROBE = createContextKey('@zrm/otel register probe');

/**
 * Does the `@opentelemetry/api` that zrm's processors and propagator use see
 * the context manager the SDK registered? An API copy older than, or of the
 * same minor as, the registering one does; a newer one sees nothing, and the
 * trace of a ZRM request would not be marked.
 */
export function seesSdkContext(): boolean {
  return context.with(
    ROOT_CONTEXT.setValue(PROBE, true),
    () => context.active().getValue(PROBE) === true,
  );
}
