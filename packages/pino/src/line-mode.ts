/**
 * How the line being written right now is treated, decided once per log call in
 * the calling thread and read by the mixin and stream-write hooks of the same
 * (synchronous) call, so they need not look the scope up again.
 */
export enum LineMode {
  /** Ordinary scope, or no scope and nothing registered: pino as is. */
  Pass = 0,
  /** No scope (context lost) while ZRM content is registered: scrub registered content. */
  Scrub = 1,
  /** ZRM scope: the line is rebuilt content-free. */
  ZeroRetention = 2,
}

let current: LineMode = LineMode.Pass;

export function lineMode(): LineMode {
  return current;
}

/** Sets the mode for the call in progress; returns the previous one to restore (calls can nest). */
export function enterLineMode(mode: LineMode): LineMode {
  const previous = current;
  current = mode;
  return previous;
}
