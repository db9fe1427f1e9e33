import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { otelSdk3Projects } from './compat/otel-sdk3/vitest.project.js';

const pkg = (name: string) =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@zrm\/core\/adapter$/,
        replacement: pkg('core').replace(/index\.ts$/, 'adapter.ts'),
      },
      { find: /^@zrm\/([a-z-]+)$/, replacement: pkg('$1') },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'zrm',
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
            'test/**/*.test.ts',
          ],
        },
      },
      // packages/otel's tests once more on OpenTelemetry SDK 3, on Node >= 22.15 only
      ...otelSdk3Projects(),
    ],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/index.ts', '**/types.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'packages/core/src/**': { lines: 95 } },
    },
  },
});
