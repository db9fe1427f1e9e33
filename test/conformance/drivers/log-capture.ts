// The sink every driver logs to: the `@zrm/pino` capture of the adapters' own
// tests (a real pino logger, messages kept, so only the adapter's registration
// of a request's content keeps it out of a message string).
export {
  captureLogs,
  type LogCapture,
} from '../../../packages/express/test/helpers/log-capture.js';
export { waitFor } from '../../../packages/express/test/helpers/server.js';
