import { ZeroRetentionLogRecordProcessor, type ZeroRetentionOtelOptions } from '@zrm/otel';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from './otel-sdk.js';

/** A real logger provider whose only processor is the ZRM processor around a simple in-memory pipeline. */
export function createLogging(options: ZeroRetentionOtelOptions = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [
      new ZeroRetentionLogRecordProcessor(new SimpleLogRecordProcessor({ exporter }), options),
    ],
  });
  return {
    logger: provider.getLogger('zrm-test'),
    records: () => exporter.getFinishedLogRecords(),
  };
}
