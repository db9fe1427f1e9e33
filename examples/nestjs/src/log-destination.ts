import { pino, type DestinationStream } from 'pino';

/** Where the service's pino lines go: the file named by `LOG_FILE`, else stdout. */
export function logDestination(): DestinationStream {
  return pino.destination({ dest: process.env.LOG_FILE ?? 1, sync: true });
}
