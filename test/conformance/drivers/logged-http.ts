import { waitFor, type LogCapture } from './log-capture.js';
import { postJson } from './http-request.js';
import type { DriverApp } from './types.js';

/**
 * The `DriverApp` of an HTTP driver whose app logs `{"conformanceDone": <x-request-id>}`
 * as the last line of each request: `send` resolves once that line was written.
 */
export function loggedHttpApp(
  base: string,
  logs: LogCapture,
  close: () => Promise<void>,
): DriverApp {
  return {
    async send(request) {
      const observed = await postJson(base, request);
      await waitFor(() => logs.text().includes(`"conformanceDone":"${request.id}"`));
      return observed;
    },
    logText: () => logs.text(),
    close,
  };
}
