import process from 'node:process';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs `shutdown` once (flushing what is batched): on SIGTERM or SIGINT, and
 * before a normal exit. After a signal, a process whose app does not handle
 * that signal itself ends as the signal would have ended it; an app that
 * handles it decides when to exit, as without the register.
 */
export function shutdownOnExit(shutdown: () => Promise<void>): void {
  let done: Promise<void> | undefined;
  const once = (): Promise<void> => (done ??= shutdown());
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // counted now: an app's `process.once` listener is gone once it ran
      const appHandles = process.listenerCount(signal) > 1;
      const reraise = (): void => {
        process.removeListener(signal, onSignal);
        if (!appHandles && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      once().then(reraise, reraise);
    };
    process.on(signal, onSignal);
  }
  process.once('beforeExit', () => void once().catch(() => undefined));
}
