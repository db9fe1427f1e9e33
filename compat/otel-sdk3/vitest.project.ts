import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, type Plugin, type TestProjectInlineConfiguration } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));
const sdk2Facade = fileURLToPath(
  new URL('../../packages/otel/test/support/otel-sdk.ts', import.meta.url),
);
const sdk3Facade = join(here, 'otel-sdk.ts');

/**
 * Resolves every `@opentelemetry/*` import of the tests and of the source they load
 * (`@zrm/otel`'s src included, which would otherwise get packages/otel's api 1.9) as if
 * imported from this workspace, and swaps the tests' SDK 2 module for ./otel-sdk.ts.
 * Packages in node_modules keep resolving their own dependencies.
 */
function resolveFromSdk3(): Plugin {
  return {
    name: 'zrm:otel-sdk3',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (importer?.includes('/node_modules/')) return null;
      if (source.startsWith('@opentelemetry/')) {
        const resolved = await this.resolve(source, join(here, 'package.json'), {
          ...options,
          skipSelf: true,
        });
        // no silent fallback to packages/otel's SDK 2 copy
        if (resolved === null) throw new Error(`${source} is not a dependency of compat/otel-sdk3`);
        return resolved;
      }
      if (importer === undefined || !source.endsWith('/otel-sdk.js')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === sdk2Facade ? sdk3Facade : resolved;
    },
  };
}

/**
 * The SDK 3 packages declare `engines: { node: '>=22.15.0' }` (upstream supports and
 * tests nothing older; Node 20 stays on SDK 2), and ./child-hooks.mjs needs
 * `module.registerHooks` (Node >= 22.15): the project exists only on such a Node.
 */
export function sdk3Runs(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 15);
}

/**
 * The otel tests again, on the OpenTelemetry JS SDK 3 line: packages/otel/test with
 * the SDK 3 module, every `@opentelemetry/*` from this workspace, and child-process
 * fixtures started with ./child-hooks.mjs. Empty on a Node older than 22.15.
 */
export function otelSdk3Projects(): TestProjectInlineConfiguration[] {
  if (!sdk3Runs()) return [];
  return [
    {
      extends: true,
      plugins: [resolveFromSdk3()],
      test: {
        name: 'otel-sdk3',
        include: ['packages/otel/test/**/*.test.ts', 'compat/otel-sdk3/test/**/*.test.ts'],
        // the zero-code test starts its own apps on both SDK lines (its SDK 3 block runs here already)
        exclude: [...configDefaults.exclude, 'packages/otel/test/register.test.ts'],
        setupFiles: [join(here, 'setup.ts')],
      },
    },
  ];
}
