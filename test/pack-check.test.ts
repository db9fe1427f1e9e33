// The pack check's own checks (scripts/pack-check): each problem it is there
// to find is found in an unpacked package that has it, and a sound package
// passes. The whole check, tarball install included, is `pnpm run pack-check`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPackedPackage } from '../scripts/pack-check/package-checks.mjs';
import {
  entrySpecifiers,
  manifestTargets,
  root,
  runtimeTarget,
} from '../scripts/pack-check/packages.mjs';
import { listFiles } from '../scripts/pack-check/tarball.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'zrm-pack-check-test-'));
  dirs.push(dir);
  return dir;
};

const manifest = () => ({
  name: '@zrm/fixture',
  version: '1.2.3',
  license: 'Apache-2.0',
  repository: {
    type: 'git',
    url: 'git+https://github.com/zrm-js/zrm.git',
    directory: 'packages/fixture',
  },
  homepage: 'https://github.com/zrm-js/zrm/tree/main/packages/fixture#readme',
  bugs: { url: 'https://github.com/zrm-js/zrm/issues' },
  type: 'module',
  bin: { fixture: './dist/cli.js' },
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './cli': { types: './dist/cli.d.ts', default: './dist/cli.js' },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  typesVersions: { '*': { cli: ['./dist/cli.d.ts'] } },
  files: ['dist', 'src', 'LICENSE', 'README.md'],
  scripts: { prepack: 'node ../../scripts/refuse-workspace-protocol.mjs' },
  dependencies: { '@zrm/core': '^1.2.3' },
});

/** An unpacked package that passes every check; `change` edits it first. */
function packedFixture(change: (dir: string, pkg: ReturnType<typeof manifest>) => void = () => {}) {
  const dir = tempDir();
  const pkg = manifest();
  const files: Record<string, string> = {
    LICENSE: readFileSync(join(root, 'LICENSE'), 'utf8'),
    'README.md': '# @zrm/fixture\n\n## Module format\n\nESM only.\n',
    'src/index.ts': "export { helper } from './helper.js';\n",
    'src/helper.ts': 'export const helper = 1;\n',
    'src/cli.ts': 'export {};\n',
    'dist/index.js':
      "import { redact } from '@zrm/core';\nimport { readFileSync } from 'node:fs';\nexport { helper } from './helper.js';\n//# sourceMappingURL=index.js.map\n",
    'dist/index.js.map': '{"version":3,"sources":["../src/index.ts"],"mappings":""}',
    'dist/index.d.ts':
      "export { helper } from './helper.js';\n//# sourceMappingURL=index.d.ts.map\n",
    'dist/index.d.ts.map': '{"version":3,"sources":["../src/index.ts"],"mappings":""}',
    'dist/helper.js': 'export const helper = 1;\n',
    'dist/helper.d.ts': 'export declare const helper = 1;\n',
    'dist/cli.js': '#!/usr/bin/env node\nawait import("./index.js");\n',
    'dist/cli.d.ts': 'export {};\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  change(dir, pkg);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  return checkPackedPackage({ dir: 'fixture', manifest: pkg }, dir, listFiles(dir));
}

describe('pack check: one unpacked package', () => {
  it('passes a package whose manifest, entry files, references, LICENSE and README are sound', () => {
    expect(packedFixture()).toEqual([]);
  });

  it('finds "workspace:" left in the packed manifest', () => {
    const problems = packedFixture((_, pkg) => (pkg.dependencies['@zrm/core'] = 'workspace:^'));
    expect(problems).toEqual(['packed package.json holds "workspace:"']);
  });

  it('finds an exports target, a bin and a typesVersions target missing from the tarball', () => {
    const problems = packedFixture((dir) => {
      unlinkSync(join(dir, 'dist/cli.js'));
      unlinkSync(join(dir, 'dist/cli.d.ts'));
    });
    expect(problems).toEqual([
      'exports["./cli"]["types"] points at "dist/cli.d.ts", which is not in the tarball',
      'exports["./cli"]["default"] points at "dist/cli.js", which is not in the tarball',
      'bin.fixture points at "dist/cli.js", which is not in the tarball',
      'typesVersions["*"]["cli"][0] points at "dist/cli.d.ts", which is not in the tarball',
    ]);
  });

  it('finds an exports pattern that matches no file, and accepts one that does', () => {
    const withPattern = (dir: string, pkg: ReturnType<typeof manifest>) => {
      (pkg.exports as Record<string, unknown>)['./extra/*'] = './dist/extra/*.js';
      mkdirSync(join(dir, 'dist/extra'));
      writeFileSync(join(dir, 'dist/extra/a.mjs'), 'export {};\n');
    };
    expect(packedFixture(withPattern)).toEqual([
      'exports["./extra/*"] pattern "dist/extra/*.js" matches no file in the tarball',
    ]);
    const matching = packedFixture((dir, pkg) => {
      withPattern(dir, pkg);
      writeFileSync(join(dir, 'dist/extra/a.js'), 'export {};\n');
    });
    expect(matching).toEqual([]);
  });

  it('finds a declaration that references a file missing from the tarball', () => {
    const problems = packedFixture((dir) => unlinkSync(join(dir, 'dist/helper.d.ts')));
    expect(problems).toEqual([
      'dist/index.d.ts references "./helper.js", which is not in the tarball',
    ]);
  });

  it('finds code that imports a missing file or a package it does not depend on', () => {
    const problems = packedFixture((dir) => {
      writeFileSync(join(dir, 'dist/helper.js'), "import 'left-pad';\nimport './gone.js';\n");
    });
    expect(problems).toEqual([
      'dist/helper.js imports "left-pad", which is no dependency or peer dependency',
      'dist/helper.js references "./gone.js", which is not in the tarball',
    ]);
  });

  it('finds a source map, or a source it names, missing from the tarball', () => {
    expect(packedFixture((dir) => unlinkSync(join(dir, 'dist/index.js.map')))).toEqual([
      'dist/index.js points at source map "dist/index.js.map", not in the tarball',
    ]);
    expect(packedFixture((dir) => unlinkSync(join(dir, 'src/index.ts')))).toEqual([
      'dist/index.d.ts.map names source "../src/index.ts", not in the tarball',
      'dist/index.js.map names source "../src/index.ts", not in the tarball',
    ]);
  });

  it('finds a missing or altered LICENSE and a README without its module format note', () => {
    expect(packedFixture((dir) => unlinkSync(join(dir, 'LICENSE')))).toEqual([
      'LICENSE missing from the tarball',
    ]);
    expect(packedFixture((dir) => writeFileSync(join(dir, 'LICENSE'), 'MIT'))).toEqual([
      'LICENSE differs from the repository root LICENSE',
    ]);
    expect(packedFixture((dir) => unlinkSync(join(dir, 'README.md')))).toEqual([
      'README.md missing from the tarball',
    ]);
    expect(packedFixture((dir) => writeFileSync(join(dir, 'README.md'), '# x\n'))).toEqual([
      'README.md has no "## Module format" section',
    ]);
  });

  it('finds missing metadata, "files" entries and the publish guard', () => {
    const problems = packedFixture((_, pkg) => {
      pkg.homepage = 'https://example.invalid/';
      pkg.files = ['dist'];
      pkg.scripts = { prepack: 'true' };
    });
    expect(problems).toEqual([
      '"homepage" is not "https://github.com/zrm-js/zrm/tree/main/packages/fixture#readme"',
      '"files" lacks "src"',
      '"files" lacks "LICENSE"',
      '"files" lacks "README.md"',
      'scripts.prepack is not "node ../../scripts/refuse-workspace-protocol.mjs" (the guard against npm pack/publish)',
    ]);
  });
});

describe('pack check: manifest entry points', () => {
  const pkg = manifest();

  it('lists every exports condition, fallback, bin, main, types and typesVersions target', () => {
    const nested = {
      ...pkg,
      exports: { '.': { node: { import: ['./dist/a.js', './dist/b.js'] }, default: null } },
    };
    expect(manifestTargets(nested)).toEqual([
      { field: 'exports["."]["node"]["import"][0]', target: 'dist/a.js' },
      { field: 'exports["."]["node"]["import"][1]', target: 'dist/b.js' },
      { field: 'main', target: 'dist/index.js' },
      { field: 'types', target: 'dist/index.d.ts' },
      { field: 'bin.fixture', target: 'dist/cli.js' },
      { field: 'typesVersions["*"]["cli"][0]', target: 'dist/cli.d.ts' },
    ]);
  });

  it('names each import specifier a consumer can use, and its runtime file', () => {
    expect(entrySpecifiers(pkg)).toEqual(['@zrm/fixture', '@zrm/fixture/cli']);
    expect(entrySpecifiers({ name: 'plain', exports: './index.js' })).toEqual(['plain']);
    expect(runtimeTarget(pkg, '@zrm/fixture/cli')).toBe('dist/cli.js');
  });
});

describe('refuse-workspace-protocol (prepack of every published package)', () => {
  const guard = join(root, 'scripts', 'refuse-workspace-protocol.mjs');
  const pack = (dependencies: Record<string, string>, execpath: string, agent: string) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@zrm/x', dependencies }));
    return spawnSync(process.execPath, [guard], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, npm_execpath: execpath, npm_config_user_agent: agent },
    });
  };
  const npm = ['/usr/lib/node_modules/npm/bin/npm-cli.js', 'npm/11.0.0 node/v20.20.0'] as const;
  const pnpm = ['/usr/lib/node_modules/pnpm/bin/pnpm.cjs', 'pnpm/10.0.0 npm/? node/v20'] as const;

  it('refuses npm while the manifest holds a workspace: range, naming the field', () => {
    const result = pack({ '@zrm/core': 'workspace:^' }, ...npm);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('@zrm/x: refusing to pack with npm');
    expect(result.stderr).toContain('dependencies.@zrm/core');
    expect(result.stderr).toContain('pnpm publish');
  });

  it('refuses npm run from a pnpm script (npm keeps the inherited pnpm user agent)', () => {
    expect(pack({ '@zrm/core': 'workspace:^' }, npm[0], pnpm[1]).status).toBe(1);
  });

  it('lets pnpm pack, and lets npm pack a manifest without workspace: ranges', () => {
    expect(pack({ '@zrm/core': 'workspace:^' }, ...pnpm).status).toBe(0);
    expect(pack({ '@zrm/core': '^0.1.0' }, ...npm).status).toBe(0);
  });
});
