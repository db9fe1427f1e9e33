import { CONSOLE_METHODS, safeConsoleArgs, type ArgumentShape } from './console-args.js';
import { messageSettings, type MessageSettings } from './message-rules.js';
import { state } from './state.js';
import { guardStreamWrite, writingSafe, writingSafeOutput } from './stream-guard.js';
import { REDACTED } from './taint-index.js';
import type { ConsoleGuardOptions } from './types.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** One replaced property, and how to put the original back exactly (own, or inherited). */
interface Replaced {
  readonly target: object;
  readonly key: string;
  readonly descriptor: PropertyDescriptor | undefined;
}

interface Installed {
  holders: number;
  readonly replaced: readonly Replaced[];
}

// One guard per process, shared by every copy of @zrm/core.
const KEY = Symbol.for('@zrm/core.console-guard.v1');
const holder = globalThis as { [KEY]?: Installed };

function replace(target: object, key: string, make: (original: Method) => Method): Replaced[] {
  const original = (target as Record<string, unknown>)[key];
  if (typeof original !== 'function') return [];
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, {
    value: make(original as Method),
    writable: true,
    enumerable: descriptor?.enumerable ?? false,
    configurable: true,
  });
  return [{ target, key, descriptor }];
}

function restore({ target, key, descriptor }: Replaced): void {
  if (descriptor === undefined) delete (target as Record<string, unknown>)[key];
  else Object.defineProperty(target, key, descriptor);
}

function guardMethod(original: Method, shape: ArgumentShape, settings: MessageSettings): Method {
  return function guarded(this: unknown, ...args: unknown[]): unknown {
    // a console method called by another (trace calls error, table calls log) prints what that one made safe
    if (state.storage.getStore()?.zeroRetention !== true || writingSafe())
      return original.apply(this, args);
    let safe: unknown[];
    try {
      safe = safeConsoleArgs(shape, args, settings);
    } catch {
      // fail closed: the call still prints, without its arguments
      safe = shape === 'assert' ? [args[0], REDACTED] : [REDACTED];
    }
    return writingSafeOutput(() => original.apply(this, safe));
  };
}

function install(settings: MessageSettings): Installed {
  const replaced: Replaced[] = [];
  for (const [stream, sink] of [
    [process.stdout, 'stdout'],
    [process.stderr, 'stderr'],
  ] as const) {
    replaced.push(...replace(stream, 'write', (w) => guardStreamWrite(w, settings, sink)));
  }
  for (const [name, shape] of Object.entries(CONSOLE_METHODS)) {
    replaced.push(...replace(console, name, (m) => guardMethod(m, shape, settings)));
  }
  return { holders: 0, replaced };
}

/**
 * Guards the console: `console.*` calls and `process.stdout`/`process.stderr`
 * writes made in a ZRM scope are content-free by the loggers' message rules
 * (an error stack keeps its frames, a JSON line its metadata, binary becomes
 * `[binary N bytes]`); elsewhere registered content of in-flight ZRM requests
 * is removed; ordinary output is unchanged. Call it once at start-up; it
 * returns an undo function. A second call changes nothing (its options are
 * not applied) and returns another undo: the originals are put back, exactly,
 * when every undo has been called.
 */
export function guardConsole(options?: ConsoleGuardOptions): () => void {
  const settings = messageSettings(options, 'guardConsole');
  const installed = (holder[KEY] ??= install(settings));
  installed.holders++;
  let undone = false;
  return function undo(): void {
    if (undone) return;
    undone = true;
    installed.holders--;
    if (installed.holders > 0 || holder[KEY] !== installed) return;
    delete holder[KEY];
    for (const entry of [...installed.replaced].reverse()) restore(entry);
  };
}
