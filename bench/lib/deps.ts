import { createRequire } from 'node:module';

/**
 * A `require` rooted in one of the workspace packages (bench/ has no
 * package.json of its own): `fromPackage('packages/pino')('pino')` loads the
 * copy that packages/pino resolves, so a benchmark measures what users run.
 */
export function fromPackage(dir: string): NodeJS.Require {
  return createRequire(new URL(`../../${dir}/package.json`, import.meta.url));
}
