// `node --import` this file to run a fixture of packages/otel/test on the SDK 3 line:
// every `@opentelemetry/*` import of code outside node_modules (the fixture, the built
// @zrm/otel dist) resolves to this workspace's copies instead of packages/otel's SDK 2,
// and the fixtures' SDK module (fixtures/otel-sdk.mjs) is swapped for ./fixture-sdk.mjs.
// The vitest side of the same swap is ./vitest.project.ts.
import { registerHooks } from 'node:module';

const here = new URL('./package.json', import.meta.url).href;
const sdk2Fixture = new URL('../../packages/otel/test/fixtures/otel-sdk.mjs', import.meta.url).href;
const sdk3Fixture = new URL('./fixture-sdk.mjs', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL ?? '';
    if (specifier.startsWith('@opentelemetry/') && !parent.includes('/node_modules/')) {
      return nextResolve(specifier, { ...context, parentURL: here });
    }
    const resolved = nextResolve(specifier, context);
    return resolved.url === sdk2Fixture ? { ...resolved, url: sdk3Fixture } : resolved;
  },
});
