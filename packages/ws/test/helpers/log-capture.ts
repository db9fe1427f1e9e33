import { pino, type Logger } from 'pino';
import { withZeroRetention } from '@zrm/pino';

export interface LogCapture {
  logger: Logger;
  /** Every line the sink received, byte for byte. */
  lines: string[];
  text(): string;
}

/**
 * A real pino logger configured with `@zrm/pino`, writing to an in-memory sink.
 * Messages are kept (`messages: 'keep'`): what keeps ZRM content out of them
 * here is the adapters' registration of request content, which these tests prove.
 */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const stream = {
    write(line: string): void {
      lines.push(line);
    },
  };
  const logger = pino(withZeroRetention({ level: 'info' }, { messages: 'keep' }), stream);
  return { logger, lines, text: () => lines.join('') };
}
