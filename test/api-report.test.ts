// The API report (scripts/api-report.mjs) on a fixture repository: a package
// compiled from TypeScript sources by the repository's compiler, its reports
// written and committed to git, then one change at a time. A change of surface
// fails the check, naming the entry; a comment or implementation change passes.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'scripts', 'api-report.mjs');

const INDEX = `import type { Clock } from 'fake-clock';
/** How \`greet\` speaks. */
interface GreetOptions {
  /** Louder. */
  loud?: boolean;
  clock?: Clock;
}
/** Greets someone. */
export function greet(name: string, options: GreetOptions = {}): string {
  return options.loud === true ? \`HELLO \${name}\` : \`hello \${name}\`;
}
export { greet as default };
export class Counter {
  #count = 0;
  add(by: number): number {
    this.#count += by;
    return this.#count;
  }
}
`;
const EXTRA = `import type { Counter } from './index.js';
export function repeat(text: string, count: number): string {
  return text.repeat(count);
}
export interface Tally {
  counter: Counter;
}
declare module './index.js' {
  interface Counter {
    label: string;
  }
}
`;

const manifest = {
  name: '@fixture/demo',
  version: '1.0.0',
  type: 'module',
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './extra': { types: './dist/extra.d.ts', default: './dist/extra.js' },
    './package.json': './package.json',
  },
};

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Compiles packages/demo/src into dist (.js and .d.ts) file by file, as an
 * isolated-declarations build does: the .d.ts are TypeScript's own output.
 */
function build(root: string): void {
  const pkg = join(root, 'packages', 'demo');
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    declaration: true,
    isolatedDeclarations: true,
  };
  for (const name of ['index', 'extra']) {
    const source = readFileSync(join(pkg, 'src', `${name}.ts`), 'utf8');
    const fileName = `${name}.ts`;
    const declarations = ts.transpileDeclaration(source, { compilerOptions, fileName });
    const errors = declarations.diagnostics ?? [];
    if (errors.length > 0)
      throw new Error(ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n'));
    write(join(pkg, 'dist', `${name}.d.ts`), declarations.outputText);
    const js = ts.transpileModule(source, { compilerOptions, fileName }).outputText;
    write(join(pkg, 'dist', `${name}.js`), js);
  }
}

function report(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [script, '--root', root, ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

const git = (root: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-C', root, '-c', 'user.name=fixture', '-c', 'user.email=fixture@example.com', ...args],
    { encoding: 'utf8' },
  );

const dirs: string[] = [];
let base: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'zrm-api-report-'));
  dirs.push(base);
  const pkg = join(base, 'packages', 'demo');
  write(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2));
  write(join(pkg, 'src', 'index.ts'), INDEX);
  write(join(pkg, 'src', 'extra.ts'), EXTRA);
  const clock = join(pkg, 'node_modules', 'fake-clock');
  write(join(clock, 'package.json'), '{ "name": "fake-clock", "types": "index.d.ts" }');
  write(join(clock, 'index.d.ts'), 'export interface Clock { now(): number }\n');
  const hidden = join(base, 'packages', 'hidden');
  write(
    join(hidden, 'package.json'),
    JSON.stringify({ ...manifest, name: 'hidden', private: true }),
  );
  build(base);
  expect(report(base)).toMatchObject({ status: 0 });
  git(base, 'init', '-q');
  git(base, 'add', '-A');
  git(base, 'commit', '-q', '-m', 'fixture');
});

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the committed fixture with `edit` applied to its sources, built again. */
function changed(edit: { index?: (text: string) => string; extra?: (text: string) => string }) {
  const root = mkdtempSync(join(tmpdir(), 'zrm-api-report-'));
  dirs.push(root);
  cpSync(base, root, { recursive: true });
  const src = join(root, 'packages', 'demo', 'src');
  for (const [file, change] of [
    ['index.ts', edit.index],
    ['extra.ts', edit.extra],
  ] as const) {
    if (change === undefined) continue;
    const before = readFileSync(join(src, file), 'utf8');
    const after = change(before);
    expect(after).not.toBe(before);
    writeFileSync(join(src, file), after);
  }
  build(root);
  return root;
}

const dist = (root: string, file: string) =>
  readFileSync(join(root, 'packages', 'demo', 'dist', file), 'utf8');
const committedReport = (file: string) =>
  readFileSync(join(base, 'packages', 'demo', 'api', file), 'utf8');

/** A report as the script writes it: its header, then the declarations in a ts block. */
const reportText = (specifier: string, target: string, body: string) =>
  `# API report: ${specifier}

The public surface of \`${specifier}\` (\`${target}\`), read from the built
declarations by \`scripts/api-report.mjs\`. Do not edit: \`pnpm build\` rewrites it; commit
it with the change of surface. Comments and JSDoc are not part of the report.

\`\`\`ts
${body}\`\`\`
`;

describe('the report', () => {
  it('holds each export with its signature, the unexported types it uses, imports and augmentations, without JSDoc', () => {
    expect(committedReport('index.api.md')).toBe(
      reportText(
        '@fixture/demo',
        './dist/index.d.ts',
        `import { Clock } from 'fake-clock';

export declare class Counter {
    #private;
    add(by: number): number;
}

declare function greet(name: string, options?: GreetOptions): string;
export { greet as default, greet };

// Not exported by this entry, used by the declarations above:

interface GreetOptions {
    clock?: Clock;
    loud?: boolean;
}
`,
      ),
    );
    expect(committedReport('extra.api.md')).toBe(
      reportText(
        '@fixture/demo/extra',
        './dist/extra.d.ts',
        `export declare function repeat(text: string, count: number): string;

export interface Tally {
    counter: Counter;
}

// Not exported by this entry, used by the declarations above:

declare class Counter {
    #private;
    add(by: number): number;
}

// Module augmentations loaded with this entry:

declare module './index.js' {
    interface Counter {
        label: string;
    }
}
`,
      ),
    );
  });

  it('is written for published packages only, and the same bytes twice', () => {
    expect(existsSync(join(base, 'packages', 'hidden', 'api'))).toBe(false);
    const root = changed({});
    expect(report(root)).toEqual({ status: 0, output: 'api-report: 2 reports, unchanged\n' });
  });
});

/** An edit of a source file: each `[from, to]` in turn, first occurrence. */
const replacing =
  (...pairs: [string, string][]) =>
  (text: string) =>
    pairs.reduce((result, [from, to]) => result.replace(from, to), text);

/** The output of `--check` on the fixture with `edit` applied, which must fail. */
function failedCheck(edit: Parameters<typeof changed>[0]): string {
  const { status, output } = report(changed(edit), '--check');
  expect(status).toBe(1);
  return output;
}

describe('api-report --check', () => {
  it('passes when the surface is unchanged', () => {
    expect(report(base, '--check')).toEqual({
      status: 0,
      output: 'api-report: the 2 committed reports match the built declarations\n',
    });
  });

  it('fails on a renamed export, naming the entry', () => {
    const output = failedCheck({ index: (text) => text.replaceAll('greet', 'welcome') });
    expect(output).toContain(
      'FAIL  @fixture/demo: the public surface differs from packages/demo/api/index.api.md',
    );
    expect(output).toContain('    - export { greet as default, greet };');
    expect(output).toContain('    + export { welcome as default, welcome };');
    expect(output).not.toContain('@fixture/demo/extra:');
  });

  it('fails on an added field of an option type that is not exported', () => {
    const output = failedCheck({
      index: (text) => text.replace('loud?: boolean;', 'loud?: boolean;\n  shout?: string;'),
    });
    expect(output).toContain('FAIL  @fixture/demo: the public surface differs');
    expect(output).toContain('    +     shout?: string;');
  });

  it('fails on a changed parameter type in a subpath entry, naming that entry', () => {
    const output = failedCheck({
      extra: replacing(
        ['count: number', 'count: bigint'],
        ['text.repeat(count)', 'text.repeat(Number(count))'],
      ),
    });
    expect(output).toContain(
      'FAIL  @fixture/demo/extra: the public surface differs from packages/demo/api/extra.api.md',
    );
    expect(output).toContain(
      '    + export declare function repeat(text: string, count: bigint): string;',
    );
    expect(output).not.toContain('FAIL  @fixture/demo:');
  });

  it('fails on a changed module augmentation', () => {
    const output = failedCheck({
      extra: (text) => text.replace('label: string;', 'label: string | undefined;'),
    });
    expect(output.split('\n').slice(1, 4)).toEqual([
      '    @@ line 25',
      '    -         label: string;',
      '    +         label: string | undefined;',
    ]);
  });

  it('passes on a JSDoc and comment change, though the .d.ts changed', () => {
    const root = changed({
      index: replacing(
        ['/** Greets someone. */', '/**\n * Says hello.\n * @deprecated use hello()\n */'],
        ['/** Louder. */', '// shouts\n  /** In capitals. */'],
      ),
    });
    expect(dist(root, 'index.d.ts')).not.toBe(dist(base, 'index.d.ts'));
    expect(report(root, '--check')).toMatchObject({ status: 0 });
  });

  it('passes on an implementation change, though the .js changed', () => {
    const root = changed({
      index: (text) =>
        replacing(['`HELLO ${name}`', 'shout(name)'])(text) +
        'function shout(name: string): string {\n  return `HELLO ${name}!`;\n}\n',
    });
    expect(dist(root, 'index.js')).not.toBe(dist(base, 'index.js'));
    expect(report(root, '--check')).toMatchObject({ status: 0 });
  });

  it('fails after a build rewrote the report until the new report is committed', () => {
    const root = changed({ extra: (text) => text.replace('count: number', 'count = 1') });
    expect(report(root)).toEqual({
      status: 0,
      output: 'api-report: 2 reports, changed: packages/demo/api/extra.api.md\n',
    });
    expect(report(root, '--check')).toMatchObject({ status: 1 });
    git(root, 'add', 'packages/demo/api');
    expect(report(root, '--check')).toMatchObject({ status: 0 });
  });

  it('fails when a report is missing or names an entry that is gone', () => {
    const root = changed({});
    const path = join(root, 'packages', 'demo', 'package.json');
    const withoutExtra = { ...manifest, exports: { ...manifest.exports, './extra': undefined } };
    const withNew = {
      ...manifest,
      exports: { ...manifest.exports, './more': manifest.exports['./extra'] },
    };
    writeFileSync(path, JSON.stringify(withoutExtra));
    const gone = report(root, '--check');
    expect(gone.status).toBe(1);
    expect(gone.output).toContain(
      'FAIL  packages/demo/api/extra.api.md: committed, but its package or entry no longer exists',
    );
    writeFileSync(path, JSON.stringify(withNew));
    const missing = report(root, '--check');
    expect(missing.status).toBe(1);
    expect(missing.output).toContain(
      'FAIL  @fixture/demo/more: packages/demo/api/more.api.md is not committed',
    );
  });

  it('fails with a clear message when the declarations are not built', () => {
    const root = changed({});
    rmSync(join(root, 'packages', 'demo', 'dist'), { recursive: true });
    expect(report(root, '--check')).toEqual({
      status: 1,
      output: 'api-report: @fixture/demo: ./dist/index.d.ts is missing (run the build first)\n',
    });
  });
});
