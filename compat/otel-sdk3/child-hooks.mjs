// `node --import` this file to run a fixture of packages/otel/test on the SDK 3 line:
// every `@opentelemetry/*` import of code outside node_modules (the fixture, the built
// @zrm/otel dist) resolves to this workspace's copies instead of packages/otel's SDK 2,
// and the fixtures' SDK module (fixtures/otel-sdk.mjs) is swapped for ./fixture-sdk.mjs.
// The vitest side of the same swap is ./vitest.project.ts.
import { createRequire, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const here = new URL('./package.json', import.meta.url).href;
const requireHere = createRequire(here);
const sdk2Fixture = new URL('../../packages/otel/test/fixtures/otel-sdk.mjs', import.meta.url).href;
const sdk3Fixture = new URL('./fixture-sdk.mjs', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL ?? '';
    const outside = !parent.includes('/node_modules/') && parent !== here;
    if (specifier.startsWith('@opentelemetry/') && outside) {
      // require() resolves from the requiring module whatever parentURL says: resolve it here
      if (context.conditions?.includes('require')) {
        return { url: pathToFileURL(requireHere.resolve(specifier)).href, shortCircuit: true };
      }
      return nextResolve(specifier, { ...context, parentURL: here });
    }
    const resolved = nextResolve(specifier, context);
    return resolved.url === sdk2Fixture ? { ...resolved, url: sdk3Fixture } : resolved;
  },
});
