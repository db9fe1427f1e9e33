#!/usr/bin/env node
// Writes the API report of every published package: for each packages/<dir>
// without "private": true and each entry of its `exports`, the entry's public
// surface read from the built .d.ts (run after `tsc -b`), to
// packages/<dir>/api/<entry>.api.md. See docs/publishing.md, "API report".
//   node scripts/api-report.mjs [--check] [--root DIR]
// --check writes nothing: it fails when a committed report differs from the
// built declarations, is missing, or names an entry that no longer exists.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { publishedPackages } from './pack-check/packages.mjs';

const usage = 'usage: node scripts/api-report.mjs [--check] [--root DIR]';
const args = { check: false, root: join(dirname(fileURLToPath(import.meta.url)), '..') };
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === '--check') args.check = true;
  else if (arg === '--root' && process.argv[i + 1] !== undefined)
    args.root = resolve(process.argv[++i]);
  else {
    console.error(`api-report: unknown argument ${arg}\n${usage}`);
    process.exit(2);
  }
}

const REPORT_DIR = 'api';
const REPORT_SUFFIX = '.api.md';

/** The `types` target of one `exports` value (conditions nested in any order), else its .js target as .d.ts. */
function typesTarget(value) {
  if (typeof value === 'string') return value.replace(/\.(m|c)?js$/, '.d.$1ts');
  if (Array.isArray(value)) return value.map(typesTarget).find((target) => target !== undefined);
  if (value === null || typeof value !== 'object') return undefined;
  if (typeof value.types === 'string') return value.types;
  for (const inner of Object.values(value)) {
    const target = typesTarget(inner);
    if (target !== undefined) return target;
  }
  return undefined;
}

/** Each entry of a package: `{ subpath, specifier, dts, report }` (report relative to the root). */
function entriesOf(root, pkg) {
  const field = pkg.manifest.exports ?? { '.': pkg.manifest.types ?? pkg.manifest.main };
  const bySubpath =
    typeof field === 'object' && !Array.isArray(field) && Object.keys(field)[0]?.startsWith('.')
      ? field
      : { '.': field };
  const entries = [];
  for (const [subpath, value] of Object.entries(bySubpath)) {
    if (subpath === './package.json' || subpath.includes('*')) continue;
    const target = typesTarget(value);
    const specifier =
      subpath === '.' ? pkg.manifest.name : `${pkg.manifest.name}/${subpath.slice(2)}`;
    if (target === undefined)
      throw new Error(`${specifier}: its exports entry has no types target`);
    const name = subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-');
    const report = relative(root, join(pkg.path, REPORT_DIR, name + REPORT_SUFFIX))
      .split(sep)
      .join('/');
    if (entries.some((entry) => entry.report === report))
      throw new Error(`${specifier}: two entries would share the report ${report}`);
    entries.push({ subpath, specifier, dts: join(pkg.path, target), target, report });
  }
  return entries;
}

// ---------------------------------------------------------------------------
// The report of one entry

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/** Names in dictionary order (`assert` before `Zrm`), ties by code point: the same on every machine. */
const compare = (a, b) => byCodePoint(a.toLowerCase(), b.toLowerCase()) || byCodePoint(a, b);

/** Whether a declaration file belongs to the package (not to a dependency or another package). */
function isInternal(pkg, fileName) {
  const path = realpathSync(fileName);
  return (
    path.startsWith(pkg.path + sep) && !relative(pkg.path, path).split(sep).includes('node_modules')
  );
}

function memberKey(member) {
  const name = member.name;
  if (name === undefined) return '';
  if (
    ts.isIdentifier(name) ||
    ts.isPrivateIdentifier(name) ||
    ts.isStringLiteral(name) ||
    ts.isNumericLiteral(name)
  )
    return name.text;
  return name.getText();
}

/** Sorts the members of interfaces, classes and type literals by name (signatures and constructors first, overloads in order). */
const sortMembers = (context) => {
  const visit = (node) => {
    node = ts.visitEachChild(node, visit, context);
    const sorted = (members) =>
      ts.factory.createNodeArray([...members].sort((a, b) => compare(memberKey(a), memberKey(b))));
    const f = ts.factory;
    const update = ts.isInterfaceDeclaration(node)
      ? f.updateInterfaceDeclaration
      : ts.isClassDeclaration(node)
        ? f.updateClassDeclaration
        : undefined;
    if (update !== undefined)
      return update(
        node,
        node.modifiers,
        node.name,
        node.typeParameters,
        node.heritageClauses,
        sorted(node.members),
      );
    if (ts.isTypeLiteralNode(node)) return f.updateTypeLiteralNode(node, sorted(node.members));
    return node;
  };
  return (node) => ts.visitNode(node, visit);
};

const NEEDS_DECLARE = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.VariableStatement,
]);

/** The statement of one declaration with `export` as asked, `declare` where a .d.ts needs it, no `default`. */
function statementOf(declaration, exported) {
  let node = declaration;
  if (ts.isVariableDeclaration(declaration)) {
    const list = declaration.parent;
    node = ts.factory.createVariableStatement(
      list.parent.modifiers,
      ts.factory.createVariableDeclarationList(
        [declaration],
        list.flags & ts.NodeFlags.BlockScoped,
      ),
    );
  }
  const kinds = (node.modifiers ?? []).map((modifier) => modifier.kind);
  const rest = kinds.filter(
    (kind) =>
      ![
        ts.SyntaxKind.ExportKeyword,
        ts.SyntaxKind.DefaultKeyword,
        ts.SyntaxKind.DeclareKeyword,
      ].includes(kind),
  );
  const modifiers = [
    ...(exported ? [ts.SyntaxKind.ExportKeyword] : []),
    ...(NEEDS_DECLARE.has(node.kind) ? [ts.SyntaxKind.DeclareKeyword] : []),
    ...rest,
  ].map((kind) => ts.factory.createModifier(kind));
  return ts.factory.replaceModifiers(node, modifiers);
}

function print(node, sourceFile) {
  const result = ts.transform(node, [sortMembers]);
  const text = printer.printNode(ts.EmitHint.Unspecified, result.transformed[0], sourceFile);
  result.dispose();
  return text;
}

/** The import or export declaration an alias symbol was declared by, if it names a module. */
function moduleSpecifierOf(alias) {
  for (let node = alias.declarations?.[0]; node !== undefined; node = node.parent) {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined
    )
      return node.moduleSpecifier;
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      return node.moduleReference.expression;
    if (ts.isSourceFile(node)) return undefined;
  }
  return undefined;
}

/** How an alias names its import: `X`, `X as Y`, `default as Y` or `* as Y`. */
function importedAs(alias) {
  const declaration = alias.declarations[0];
  const local = alias.name;
  if (ts.isNamespaceImport(declaration) || ts.isNamespaceExport(declaration))
    return `* as ${local}`;
  if (ts.isImportClause(declaration)) return `default as ${local}`;
  if (ts.isImportEqualsDeclaration(declaration)) return `* as ${local}`;
  const imported = declaration.propertyName?.text ?? local;
  return imported === local ? local : `${imported} as ${local}`;
}

/** The leftmost identifier of an entity name or property access (`a` of `a.b.c`). */
function leftmost(node) {
  while (ts.isQualifiedName(node) || ts.isPropertyAccessExpression(node))
    node = ts.isQualifiedName(node) ? node.left : node.expression;
  return ts.isIdentifier(node) ? node : undefined;
}

/** The names a declaration refers to: type references, heritage clauses, `typeof x`, computed keys. */
function referencedNames(node) {
  const names = [];
  const visit = (child) => {
    let name;
    if (ts.isTypeReferenceNode(child)) name = child.typeName;
    else if (ts.isExpressionWithTypeArguments(child)) name = child.expression;
    else if (ts.isTypeQueryNode(child)) name = child.exprName;
    else if (ts.isComputedPropertyName(child)) name = child.expression;
    else if (ts.isExportAssignment(child)) name = child.expression;
    const identifier = name === undefined ? undefined : leftmost(name);
    if (identifier !== undefined) names.push({ identifier, full: name });
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}

/** Whether a declaration is a statement of a file (not a member, not inside an augmentation). */
const isTopLevel = (declaration) => {
  const statement = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  return ts.isSourceFile(statement.parent);
};

/** The internal declaration files an entry loads (its imports, their imports, triple-slash references). */
function reachableFiles(pkg, program, checker, entryFile) {
  const seen = new Set([entryFile]);
  const queue = [entryFile];
  while (queue.length > 0) {
    const file = queue.shift();
    const next = [];
    const visit = (node) => {
      const specifier =
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier
          ? node.moduleSpecifier
          : ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)
            ? node.argument.literal
            : undefined;
      if (specifier !== undefined) {
        const target = checker.getSymbolAtLocation(specifier)?.declarations?.find(ts.isSourceFile);
        if (target !== undefined) next.push(target);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    for (const reference of file.referencedFiles) {
      const target = program.getSourceFile(resolve(dirname(file.fileName), reference.fileName));
      if (target !== undefined) next.push(target);
    }
    for (const target of next) {
      if (seen.has(target) || !isInternal(pkg, target.fileName)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return [...seen];
}

/** The report of one entry: its exports, the unexported names they use, the modules it augments. */
function entryReport(pkg, entry, program, checker) {
  const entryFile = program.getSourceFile(entry.dts);
  if (entryFile === undefined)
    throw new Error(`${entry.specifier}: ${entry.target} is missing (run the build first)`);
  const moduleSymbol = checker.getSymbolAtLocation(entryFile);
  const exportsOf = moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol);

  const imports = new Map(); // module specifier → Set of `X`, `X as Y`, `* as Y`
  const addImport = (specifier, name) => {
    if (!imports.has(specifier)) imports.set(specifier, new Set());
    imports.get(specifier).add(name);
  };
  const exported = new Map(); // target symbol → { names, typeOnly }
  const reexports = []; // `export { X } from 'dependency'`
  for (const symbol of exportsOf) {
    const name = symbol.escapedName === 'default' ? 'default' : symbol.name;
    let target = symbol;
    let typeOnly = false;
    let external;
    for (let alias = symbol; alias.flags & ts.SymbolFlags.Alias;) {
      const declaration = alias.declarations?.[0];
      if (
        declaration !== undefined &&
        (declaration.isTypeOnly || declaration.parent?.parent?.isTypeOnly)
      )
        typeOnly = true;
      const specifier = moduleSpecifierOf(alias);
      const file =
        specifier && checker.getSymbolAtLocation(specifier)?.declarations?.find(ts.isSourceFile);
      if (specifier !== undefined && (file === undefined || !isInternal(pkg, file.fileName))) {
        external = { specifier: specifier.text, as: importedAs(alias) };
        break;
      }
      const next = checker.getImmediateAliasedSymbol(alias);
      if (next === undefined) break;
      target = alias = next;
    }
    if (target.flags & ts.SymbolFlags.Alias && external === undefined)
      target = checker.getAliasedSymbol(target);
    if (external !== undefined) {
      const imported = external.as.split(' as ')[0];
      const clause = external.as.startsWith('* as ')
        ? `export * as ${name}`
        : `export ${typeOnly ? 'type ' : ''}{ ${imported === name ? name : `${imported} as ${name}`} }`;
      reexports.push({ name, text: `${clause} from '${external.specifier}';` });
      continue;
    }
    if (!exported.has(target)) exported.set(target, { names: [], typeOnly: true });
    const record = exported.get(target);
    record.names.push(name);
    // `export type { aValue }` takes the value away: only a value can lose something to it
    record.typeOnly &&= typeOnly && (target.flags & ts.SymbolFlags.Value) !== 0;
  }

  const forgotten = new Map(); // symbol → first name it was referred by
  const pending = []; // forgotten symbols still to print
  const collect = (node) => {
    for (const { identifier, full } of referencedNames(node)) {
      let symbol = checker.getSymbolAtLocation(identifier);
      if (symbol === undefined || symbol.flags & ts.SymbolFlags.TypeParameter) continue;
      if (symbol.flags & ts.SymbolFlags.Alias) {
        const specifier = moduleSpecifierOf(symbol);
        const file =
          specifier && checker.getSymbolAtLocation(specifier)?.declarations?.find(ts.isSourceFile);
        if (specifier !== undefined && (file === undefined || !isInternal(pkg, file.fileName))) {
          addImport(specifier.text, importedAs(symbol));
          continue;
        }
        symbol = checker.getAliasedSymbol(symbol);
        // `ns.X` through `import * as ns` of one of our files: X is the name used
        if (
          symbol.flags & ts.SymbolFlags.ValueModule &&
          full !== identifier &&
          !ts.isIdentifier(full)
        ) {
          const right = ts.isQualifiedName(full) ? full.right : full.name;
          symbol = checker.getSymbolAtLocation(right) ?? symbol;
          if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        }
      }
      const declarations = symbol.declarations ?? [];
      if (
        declarations.length === 0 ||
        !declarations.every((d) => isInternal(pkg, d.getSourceFile().fileName))
      )
        continue;
      if (!declarations.some(isTopLevel) || exported.has(symbol) || forgotten.has(symbol)) continue;
      forgotten.set(symbol, symbol.name);
      pending.push(symbol);
    }
  };

  const declarationsOf = (symbol) =>
    (symbol.declarations ?? [])
      .filter(isTopLevel)
      .filter((declaration) => !ts.isSourceFile(declaration))
      .sort(
        (a, b) =>
          compare(
            relative(pkg.path, a.getSourceFile().fileName),
            relative(pkg.path, b.getSourceFile().fileName),
          ) || a.pos - b.pos,
      );

  const block = (symbol, exportNames, typeOnly) => {
    const local = symbol.name;
    const inline = exportNames.length === 1 && exportNames[0] === local && !typeOnly;
    const lines = [];
    if (
      symbol.flags & ts.SymbolFlags.ValueModule &&
      (symbol.declarations ?? []).some(ts.isSourceFile)
    ) {
      // `export * as ns from './x.js'`: the namespace's names, each printed below as unexported
      const members = checker
        .getExportsOfModule(symbol)
        .map((member) => member.name)
        .sort(compare);
      for (const member of checker.getExportsOfModule(symbol)) {
        const target =
          member.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(member) : member;
        if (!exported.has(target) && !forgotten.has(target)) {
          forgotten.set(target, target.name);
          pending.push(target);
        }
      }
      lines.push(
        `export declare namespace ${exportNames.join(', ')} { export { ${members.join(', ')} }; }`,
      );
      return lines.join('\n');
    }
    for (const declaration of declarationsOf(symbol)) {
      lines.push(print(statementOf(declaration, inline), declaration.getSourceFile()));
      collect(declaration);
    }
    if (!inline && exportNames.length > 0) {
      const specifiers = exportNames.map((name) => (name === local ? name : `${local} as ${name}`));
      lines.push(`export ${typeOnly ? 'type ' : ''}{ ${specifiers.join(', ')} };`);
    }
    return lines.join('\n');
  };

  const exportedBlocks = [...exported]
    .map(([symbol, record]) => ({
      symbol,
      names: record.names.sort(compare),
      typeOnly: record.typeOnly,
    }))
    .sort((a, b) => compare(a.names[0], b.names[0]) || compare(a.symbol.name, b.symbol.name))
    .map(({ symbol, names, typeOnly }) => block(symbol, names, typeOnly));

  const augmentations = [];
  for (const file of reachableFiles(pkg, program, checker, entryFile)) {
    for (const statement of file.statements) {
      if (!ts.isModuleDeclaration(statement)) continue;
      const global = (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0;
      if (!global && !ts.isStringLiteral(statement.name)) continue;
      augmentations.push({ key: global ? '' : statement.name.text, text: print(statement, file) });
      collect(statement);
    }
  }
  augmentations.sort((a, b) => compare(a.key, b.key) || compare(a.text, b.text));

  const forgottenBlocks = [];
  while (pending.length > 0) {
    const symbol = pending.shift();
    forgottenBlocks.push({ name: symbol.name, text: block(symbol, [], false) });
  }
  forgottenBlocks.sort((a, b) => compare(a.name, b.name) || compare(a.text, b.text));

  const importLines = [...imports]
    .sort(([a], [b]) => compare(a, b))
    .flatMap(([specifier, names]) => {
      const sorted = [...names].sort(compare);
      const namespaces = sorted.filter((name) => name.startsWith('* as '));
      const named = sorted.filter((name) => !name.startsWith('* as '));
      return [
        ...namespaces.map((name) => `import ${name} from '${specifier}';`),
        ...(named.length > 0 ? [`import { ${named.join(', ')} } from '${specifier}';`] : []),
      ];
    });

  const body = [
    importLines.join('\n'),
    [
      ...exportedBlocks,
      ...reexports.sort((a, b) => compare(a.name, b.name)).map((r) => r.text),
    ].join('\n\n'),
    forgottenBlocks.length > 0
      ? [
          '// Not exported by this entry, used by the declarations above:',
          ...forgottenBlocks.map((b) => b.text),
        ].join('\n\n')
      : '',
    augmentations.length > 0
      ? [
          '// Module augmentations loaded with this entry:',
          ...augmentations.map((a) => a.text),
        ].join('\n\n')
      : '',
  ].filter((part) => part !== '');
  if (body.length === 0)
    body.push('// No exports: the entry is imported for what it does when loaded.');

  return [
    `# API report: ${entry.specifier}`,
    '',
    `The public surface of \`${entry.specifier}\` (\`${entry.target}\`), read from the built`,
    'declarations by `scripts/api-report.mjs`. Do not edit: `pnpm build` rewrites it; commit',
    'it with the change of surface. Comments and JSDoc are not part of the report.',
    '',
    '```ts',
    body.join('\n\n'),
    '```',
    '',
  ].join('\n');
}

/** Every report, `{ path → text }` with paths relative to the root, in package and entry order. */
function generateReports(root) {
  const packages = (existsSync(join(root, 'packages')) ? publishedPackages(root) : []).map(
    (found) => {
      const pkg = { ...found, path: realpathSync(found.path) };
      return { pkg, entries: entriesOf(root, pkg) };
    },
  );
  const rootNames = packages.flatMap(({ entries }) => entries.map((entry) => entry.dts));
  for (const { entries } of packages)
    for (const entry of entries)
      if (!existsSync(entry.dts))
        throw new Error(`${entry.specifier}: ${entry.target} is missing (run the build first)`);
  const program = ts.createProgram({
    rootNames,
    options: {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      skipLibCheck: true,
      // names are resolved, never type-checked: the standard library and @types are not needed
      noLib: true,
      types: [],
    },
  });
  const checker = program.getTypeChecker();
  const reports = new Map();
  for (const { pkg, entries } of packages)
    for (const entry of entries)
      reports.set(entry.report, {
        specifier: entry.specifier,
        text: entryReport(pkg, entry, program, checker),
      });
  return reports;
}

// ---------------------------------------------------------------------------
// Writing and checking

/** Report files on disk (packages/<dir>/api/*.api.md), relative to the root. */
function reportsOnDisk(root) {
  const dir = join(root, 'packages');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const api = join(dir, name, REPORT_DIR);
    if (!existsSync(api)) return [];
    return readdirSync(api)
      .filter((file) => file.endsWith(REPORT_SUFFIX))
      .map((file) => `packages/${name}/${REPORT_DIR}/${file}`);
  });
}

const git = (root, ...gitArgs) =>
  execFileSync('git', ['-C', root, ...gitArgs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/**
 * The committed reports, `{ path → text }`: what git's index holds (in a fresh
 * clone, HEAD's files), so a build that just rewrote them cannot hide a change.
 * Outside a git work tree, the files on disk.
 */
function committedReports(root) {
  let inGit = true;
  try {
    inGit = git(root, 'rev-parse', '--is-inside-work-tree').trim() === 'true';
  } catch {
    inGit = false;
  }
  const committed = new Map();
  if (!inGit) {
    console.log('api-report: not a git work tree, comparing with the report files on disk');
    for (const path of reportsOnDisk(root))
      committed.set(path, readFileSync(join(root, path), 'utf8'));
    return committed;
  }
  const listed = git(root, 'ls-files', '-z', '--', ':(glob)packages/*/api/*.api.md').split('\0');
  for (const path of listed.filter((p) => p !== ''))
    committed.set(path, git(root, 'show', `:./${path}`));
  return committed;
}

/** The first lines where two texts differ: `-` committed, `+` built, at most `limit` of each. */
function shortDiff(committed, built, limit = 8) {
  const a = committed.split('\n');
  const b = built.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const side = (lines, from, to, mark) => {
    const shown = lines
      .slice(from, Math.min(to, from + limit))
      .map((line) => `    ${mark} ${line}`);
    if (to - from > limit) shown.push(`    ${mark} … ${to - from - limit} more line(s)`);
    return shown;
  };
  return [
    `    @@ line ${start + 1}`,
    ...side(a, start, endA, '-'),
    ...side(b, start, endB, '+'),
  ].join('\n');
}

function check(root, reports) {
  const committed = committedReports(root);
  const problems = [];
  for (const [path, { specifier, text }] of reports) {
    const old = committed.get(path);
    if (old === undefined) problems.push(`${specifier}: ${path} is not committed`);
    else if (old !== text)
      problems.push(
        `${specifier}: the public surface differs from ${path}\n${shortDiff(old, text)}`,
      );
  }
  for (const path of committed.keys())
    if (!reports.has(path))
      problems.push(`${path}: committed, but its package or entry no longer exists`);
  if (problems.length === 0) {
    console.log(`api-report: the ${reports.size} committed reports match the built declarations`);
    return 0;
  }
  for (const problem of problems) console.error(`FAIL  ${problem}`);
  console.error(
    `api-report: ${problems.length} report(s) out of date. Run \`pnpm build\`, review ` +
      '`git diff packages/*/api/` and commit the reports with the change of surface.',
  );
  return 1;
}

function write(root, reports) {
  const changed = [];
  for (const [path, { text }] of reports) {
    const file = join(root, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    changed.push(path);
  }
  for (const path of reportsOnDisk(root)) {
    if (reports.has(path)) continue;
    rmSync(join(root, path));
    changed.push(`${path} (removed)`);
  }
  const summary = changed.length === 0 ? 'unchanged' : `changed: ${changed.join(', ')}`;
  console.log(`api-report: ${reports.size} reports, ${summary}`);
  return 0;
}

let reports;
try {
  reports = generateReports(args.root);
} catch (error) {
  console.error(`api-report: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
process.exit(args.check ? check(args.root, reports) : write(args.root, reports));
