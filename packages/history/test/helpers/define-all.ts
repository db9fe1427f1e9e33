import type { Backend } from './backends.js';
import { defineCrossContextSuite } from './cross-context-suite.js';
import { defineFaultSuite } from './fault-suite.js';
import { defineInputSuite } from './input-suite.js';
import { defineStoreSuite } from './store-suite.js';
import { defineZrmSuite } from './zrm-suite.js';

/** The one suite every backend runs. */
export function defineHistorySuite(backend: () => Backend): void {
  defineStoreSuite(backend);
  defineInputSuite(backend);
  defineZrmSuite(backend);
  defineCrossContextSuite(backend);
  defineFaultSuite(backend);
}
