// The published packages of the workspace and the files their manifests point at.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

/** Every packages/<dir>/package.json under `from` (the repository) that is not private, in directory order. */
export function publishedPackages(from = root) {
  const dir = join(from, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => {
      const path = join(dir, entry.name);
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      return { dir: entry.name, path, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true);
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Every file target of a manifest: `exports` (each subpath and condition,
 * fallback arrays too), `main`, `module`, `types`, `typings`, `bin`,
 * `typesVersions`. Each is `{ field, target }` with `target` relative to the
 * package root (no leading `./`); a target may hold one `*` pattern.
 */
export function manifestTargets(manifest) {
  const targets = [];
  const add = (field, value) => {
    if (typeof value === 'string') targets.push({ field, target: value.replace(/^\.\//, '') });
  };
  const walkExports = (value, field) => {
    if (typeof value === 'string') add(field, value);
    else if (Array.isArray(value)) value.forEach((item, i) => walkExports(item, `${field}[${i}]`));
    else if (value !== null && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) walkExports(inner, `${field}["${key}"]`);
  };
  walkExports(manifest.exports, 'exports');
  for (const field of ['main', 'module', 'types', 'typings']) add(field, manifest[field]);
  if (typeof manifest.bin === 'string') add('bin', manifest.bin);
  else for (const [name, value] of Object.entries(manifest.bin ?? {})) add(`bin.${name}`, value);
  for (const [range, paths] of Object.entries(manifest.typesVersions ?? {}))
    for (const [pattern, list] of Object.entries(paths))
      (Array.isArray(list) ? list : []).forEach((value, i) =>
        add(`typesVersions["${range}"]["${pattern}"][${i}]`, value),
      );
  return targets;
}

/**
 * The specifiers a consumer imports: the package name and each subpath of
 * `exports` except `./package.json` (patterns are not expanded).
 */
export function entrySpecifiers(manifest) {
  const exportsField = manifest.exports;
  const subpaths =
    exportsField !== null &&
    typeof exportsField === 'object' &&
    !Array.isArray(exportsField) &&
    Object.keys(exportsField).every((key) => key.startsWith('.'))
      ? Object.keys(exportsField)
      : ['.'];
  return subpaths
    .filter((subpath) => subpath !== './package.json' && !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

/** The export subpath's `default`/`import` target of a specifier (`@zrm/testing/cli` → `dist/cli.js`). */
export function runtimeTarget(manifest, specifier) {
  const subpath =
    specifier === manifest.name ? '.' : `./${specifier.slice(manifest.name.length + 1)}`;
  let value = manifest.exports?.[subpath] ?? (subpath === '.' ? manifest.exports : undefined);
  while (value !== null && typeof value === 'object' && !Array.isArray(value))
    value = value.import ?? value.node ?? value.default;
  return typeof value === 'string' ? value.replace(/^\.\//, '') : undefined;
}
