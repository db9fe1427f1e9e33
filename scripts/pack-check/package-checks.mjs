// Checks of one unpacked tarball: its manifest, the files the manifest points
// at, and every file its JavaScript and declarations reference.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { manifestTargets, packageName, root } from './packages.mjs';

const GUARD = 'node ../../scripts/refuse-workspace-protocol.mjs';
const REQUIRED_FILES = ['dist', 'src', 'LICENSE', 'README.md'];
const rootLicense = readFileSync(join(root, 'LICENSE'), 'utf8');

/** The problems of one packed package: a list of content-free sentences, empty when it is fine. */
export function checkPackedPackage(pkg, packedDir, files) {
  const packedText = readFileSync(join(packedDir, 'package.json'), 'utf8');
  const packed = JSON.parse(packedText);
  const fileSet = new Set(files);
  const problems = [];
  if (packedText.includes('workspace:')) problems.push('packed package.json holds "workspace:"');
  problems.push(...metadataProblems(pkg, packed));
  problems.push(...licenseAndReadmeProblems(packedDir, fileSet));
  problems.push(...targetProblems(packed, files, fileSet));
  problems.push(...referenceProblems(packed, packedDir, files, fileSet));
  return problems;
}

function metadataProblems(pkg, packed) {
  const problems = [];
  const expected = {
    license: 'Apache-2.0',
    repository: {
      type: 'git',
      url: 'git+https://github.com/zrm-js/zrm.git',
      directory: `packages/${pkg.dir}`,
    },
    homepage: `https://github.com/zrm-js/zrm/tree/main/packages/${pkg.dir}#readme`,
    bugs: { url: 'https://github.com/zrm-js/zrm/issues' },
  };
  for (const [field, value] of Object.entries(expected))
    if (JSON.stringify(packed[field]) !== JSON.stringify(value))
      problems.push(`"${field}" is not ${JSON.stringify(value)}`);
  for (const entry of REQUIRED_FILES)
    if (!(packed.files ?? []).includes(entry)) problems.push(`"files" lacks "${entry}"`);
  if (pkg.manifest.scripts?.prepack !== GUARD)
    problems.push(`scripts.prepack is not "${GUARD}" (the guard against npm pack/publish)`);
  return problems;
}

function licenseAndReadmeProblems(packedDir, fileSet) {
  const problems = [];
  if (!fileSet.has('LICENSE')) problems.push('LICENSE missing from the tarball');
  else if (readFileSync(join(packedDir, 'LICENSE'), 'utf8') !== rootLicense)
    problems.push('LICENSE differs from the repository root LICENSE');
  if (!fileSet.has('README.md')) problems.push('README.md missing from the tarball');
  else if (!/^## Module format$/m.test(readFileSync(join(packedDir, 'README.md'), 'utf8')))
    problems.push('README.md has no "## Module format" section');
  return problems;
}

function targetProblems(packed, files, fileSet) {
  const problems = [];
  for (const { field, target } of manifestTargets(packed)) {
    if (target.includes('*')) {
      const escaped = target.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const pattern = new RegExp(`^${escaped.join('.+')}$`);
      if (!files.some((file) => pattern.test(file)))
        problems.push(`${field} pattern "${target}" matches no file in the tarball`);
    } else if (!fileSet.has(posix.normalize(target))) {
      problems.push(`${field} points at "${target}", which is not in the tarball`);
    }
  }
  return problems;
}

const CODE = /\.(?:m|c)?js$/;
const DECLARATION = /\.d\.(?:m|c)?ts$/;

/** Files a relative specifier may mean, from a declaration (`./x.js` → `x.d.ts`) or from code. */
function candidates(path, declaration) {
  if (!declaration || path.endsWith('.json')) return [path];
  const js = /\.(m|c)?js$/.exec(path);
  if (js) return [`${path.slice(0, -js[0].length)}.d.${js[1] ?? ''}ts`];
  return [`${path}.d.ts`, `${path}/index.d.ts`, path];
}

function referenceProblems(packed, packedDir, files, fileSet) {
  const problems = new Set();
  const declared = new Set([
    packed.name,
    ...Object.keys(packed.dependencies ?? {}),
    ...Object.keys(packed.peerDependencies ?? {}),
    ...Object.keys(packed.optionalDependencies ?? {}),
  ]);
  for (const file of files) {
    const declaration = DECLARATION.test(file);
    if (!declaration && !CODE.test(file)) continue;
    const text = readFileSync(join(packedDir, file), 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const specifiers = [...info.importedFiles, ...info.referencedFiles].map((ref) => ref.fileName);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const path = posix.normalize(posix.join(posix.dirname(file), specifier));
        if (!candidates(path, declaration).some((candidate) => fileSet.has(candidate)))
          problems.add(`${file} references "${specifier}", which is not in the tarball`);
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        const name = packageName(specifier);
        if (!declared.has(name))
          problems.add(`${file} imports "${name}", which is no dependency or peer dependency`);
      }
    }
    for (const ref of info.typeReferenceDirectives)
      if (ref.fileName !== 'node' && !declared.has(ref.fileName))
        problems.add(`${file} references types "${ref.fileName}", which are no dependency`);
    problems.add(sourceMapProblem(packedDir, file, text, fileSet));
  }
  problems.delete(undefined);
  return [...problems];
}

function sourceMapProblem(packedDir, file, text, fileSet) {
  const match = /^\/\/# sourceMappingURL=(\S+)\s*$/m.exec(text);
  if (match === null || match[1].startsWith('data:')) return undefined;
  const mapFile = posix.normalize(posix.join(posix.dirname(file), match[1]));
  if (!fileSet.has(mapFile)) return `${file} points at source map "${mapFile}", not in the tarball`;
  const map = JSON.parse(readFileSync(join(packedDir, mapFile), 'utf8'));
  const base = posix.join(posix.dirname(mapFile), map.sourceRoot ?? '');
  const missing = (map.sources ?? []).find(
    (source) => !fileSet.has(posix.normalize(posix.join(base, source))),
  );
  return missing === undefined
    ? undefined
    : `${mapFile} names source "${missing}", not in the tarball`;
}
