// `node --import @zrm/otel/register app.js`: OpenTelemetry from the standard
// OTEL_* environment, with every span processor, exporter, log-record
// processor and the propagator wrapped by zrm, and the ESM loader hook.
import { startZeroCode } from './zero-code/start.js';

await startZeroCode();
