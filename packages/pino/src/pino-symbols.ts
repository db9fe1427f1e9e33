/** The private pino symbols zrm reads or swaps during a ZRM log call. */
export interface PinoSymbols {
  readonly chindings: symbol;
  readonly msgPrefix: symbol | undefined;
  readonly errorKey: symbol | undefined;
  readonly messageKey: symbol | undefined;
}

/** pino's serializers symbol is global (`Symbol.for`), shared by pino 9 and 10. */
export const serializersSymbol = Symbol.for('pino.serializers');

// One entry per copy of pino loaded in the process (pino 9 and 10 have distinct private symbols).
const known: PinoSymbols[] = [];

function discover(logger: object): PinoSymbols | undefined {
  const found = new Map<string, symbol>();
  for (
    let o: object | null = logger;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const s of Object.getOwnPropertySymbols(o)) {
      if (s.description !== undefined && !found.has(s.description)) found.set(s.description, s);
    }
  }
  const chindings = found.get('pino.chindings');
  if (chindings === undefined) return undefined;
  return {
    chindings,
    msgPrefix: found.get('pino.msgPrefix'),
    errorKey: found.get('pino.errorKey'),
    messageKey: found.get('pino.messageKey'),
  };
}

/** The symbols of the pino copy that made `logger`, found once per copy. */
export function pinoSymbols(logger: object): PinoSymbols | undefined {
  for (const symbols of known) if (symbols.chindings in logger) return symbols;
  const symbols = discover(logger);
  if (symbols !== undefined) known.push(symbols);
  return symbols;
}
