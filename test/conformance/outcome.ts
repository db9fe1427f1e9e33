import { REFUSALS, type Expected } from './table.js';
import type { Observed, Transport } from './drivers/types.js';

/**
 * One line per outcome, the form rows are compared in and known failures are
 * written in: `served zrm`, `served ordinary`, `refused 400 <code> param=<p>`,
 * `refused close 1008 <code>`.
 */
export function describeObserved(observed: Observed): string {
  if (observed.closeCode !== undefined)
    return `refused close ${observed.closeCode} ${observed.code ?? '(no reason)'}`;
  if (observed.mode !== undefined && observed.code === undefined) return `served ${observed.mode}`;
  const param = observed.param === undefined ? '' : ` param=${observed.param}`;
  return `refused ${observed.status ?? '?'} ${observed.code ?? '(no code)'}${param}`;
}

/**
 * The outcomes that fulfil `expected` on a transport. On an open connection a
 * refusal is a 1008 close with the code as reason; a row whose upgrade itself
 * is refused (a forced connection with a stateful parameter) may also be
 * answered there, with the status of the flag table.
 */
export function acceptedOutcomes(expected: Expected, transport: Transport): string[] {
  if ('served' in expected) return [`served ${expected.served}`];
  const { status, param } = REFUSALS[expected.refused];
  const http = `refused ${status} ${expected.refused}${param === undefined ? '' : ` param=${param}`}`;
  if (transport !== 'message') return [http];
  return [`refused close 1008 ${expected.refused}`, http];
}
