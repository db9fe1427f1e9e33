import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Benchmarks measure the built packages as users run them: loaded by Node itself
// (not through vitest's module transform, which turns every imported binding into
// a getter call), and `@zrm/*` resolved by Node to packages/*/dist, not to src.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: [],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    server: { deps: { external: [/\/packages\/[a-z-]+\/dist\//] } },
  },
});
