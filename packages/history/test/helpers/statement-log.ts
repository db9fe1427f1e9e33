import { isZeroRetention } from '@zrm/core';
import type { HistoryDatabase } from '@zrm/history';

export interface Statement {
  text: string;
  values: unknown[];
  /** Was the statement issued from a ZRM scope? */
  zeroRetention: boolean;
}

type QueryFn = (text: string, values?: unknown[]) => Promise<unknown>;

function logged(log: Statement[], query: QueryFn, self: object): QueryFn {
  return (text, values) => {
    log.push({ text, values: values ?? [], zeroRetention: isZeroRetention() });
    return query.call(self, text, values);
  };
}

/**
 * The real driver (pg Pool or PGlite), with every statement that reaches it
 * logged: through `query`, pooled clients and PGlite transactions.
 */
export function withStatementLog<D extends HistoryDatabase>(db: D): { db: D; log: Statement[] } {
  const log: Statement[] = [];
  const proxy = new Proxy(db, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (key === 'query') return logged(log, fn as QueryFn, target);
      if (key === 'exec') {
        return (text: string) => {
          log.push({ text, values: [], zeroRetention: isZeroRetention() });
          return fn.call(target, text);
        };
      }
      if (key === 'connect') {
        return async () => {
          const client = (await fn.call(target)) as { query: QueryFn };
          return new Proxy(client, {
            get(c, k) {
              const v: unknown = Reflect.get(c, k, c);
              if (k === 'query') return logged(log, v as QueryFn, c);
              return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(c) : v;
            },
          });
        };
      }
      if (key === 'transaction') {
        return (callback: (tx: { query: QueryFn }) => Promise<unknown>) =>
          fn.call(target, (tx: { query: QueryFn }) =>
            callback({ ...tx, query: logged(log, tx.query, tx) }),
          );
      }
      return fn.bind(target);
    },
  });
  return { db: proxy, log };
}

/** Every parameter the driver was sent, as text (bytes as hex). */
export function statementText(log: Statement[]): string {
  return log
    .map(
      (s) =>
        `${s.text}\n${s.values.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v))).join('\n')}`,
    )
    .join('\n');
}
