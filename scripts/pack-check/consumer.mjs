// A fresh app that installs the packed tarballs with plain `npm install` (the
// third-party packages from the registry, at the versions the repository
// tests with), compiles a consumer under three tsconfigs, loads every entry
// point with require() and import, and runs a real app with canaries.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { attempt, clientEnv } from './commands.mjs';
import { entrySpecifiers, packageName, root, runtimeTarget } from './packages.mjs';

const fixtures = join(import.meta.dirname, 'consumer');
const FIXTURES = ['usage.ts', 'app.mjs'];
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The consumer tsconfigs: what users compile with. */
const TSCONFIGS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  'nodenext + exactOptionalPropertyTypes': {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
  },
};

/** The version of `name` the repository installed, looked up beside each package, then at the root. */
function repositoryVersion(name, packed) {
  for (const dir of [...packed.map(({ pkg }) => pkg.path), root]) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return undefined;
}

/** Third-party packages the app needs: every peer, their `@types`, and what the fixtures import. */
function thirdPartyNames(packed) {
  const names = new Set(['@types/node']);
  for (const { pkg } of packed) {
    const { peerDependencies = {}, dependencies = {}, devDependencies = {} } = pkg.manifest;
    for (const name of Object.keys(peerDependencies)) names.add(name);
    for (const name of [...Object.keys(peerDependencies), ...Object.keys(dependencies)]) {
      const types = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
      if (types in devDependencies) names.add(types);
    }
  }
  for (const fixture of FIXTURES) {
    const info = ts.preProcessFile(readFileSync(join(fixtures, fixture), 'utf8'), true, true);
    for (const { fileName } of info.importedFiles)
      if (
        !fileName.startsWith('.') &&
        !fileName.startsWith('node:') &&
        !fileName.startsWith('@zrm/')
      )
        if (!builtinModules.includes(fileName)) names.add(packageName(fileName));
  }
  return [...names].sort();
}

function writeApp(packed, appDir) {
  mkdirSync(join(appDir, 'src'), { recursive: true });
  const dependencies = {};
  const problems = [];
  for (const name of thirdPartyNames(packed)) {
    const version = repositoryVersion(name, packed);
    if (version === undefined) problems.push(`no installed version of ${name} to pin`);
    else dependencies[name] = version;
  }
  for (const { pkg, tarball } of packed) dependencies[pkg.manifest.name] = `file:${tarball}`;
  const manifest = { name: 'zrm-consumer', private: true, type: 'module', dependencies };
  writeFileSync(join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const fixture of FIXTURES)
    copyFileSync(join(fixtures, fixture), join(appDir, 'src', fixture));

  const specifiers = packed.flatMap(({ pkg }) => entrySpecifiers(pkg.manifest));
  const entryImports = specifiers.map(
    (specifier, i) => `import * as entry${i} from '${specifier}';`,
  );
  writeFileSync(
    join(appDir, 'src', 'entry-points.ts'),
    `${entryImports.join('\n')}\nexport const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];\n`,
  );
  for (const [name, options] of Object.entries(TSCONFIGS)) {
    const compilerOptions = {
      target: 'es2022',
      lib: ['es2023'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      ...options,
    };
    writeFileSync(
      join(appDir, `tsconfig.${configFile(name)}.json`),
      JSON.stringify({ compilerOptions, include: ['src/*.ts'] }, null, 2),
    );
  }
  return problems;
}

const configFile = (name) => name.split(' ')[0];

/**
 * Errors of one tsc run that are the packages' or the consumer's: in
 * `src/` or in `node_modules/@zrm/`. Other libraries' declarations are
 * compiled too (skipLibCheck off, so ours are), but their own errors under
 * these settings are not ours to fix.
 */
function ownErrors(output) {
  const lines = output.split('\n').filter((line) => /error TS\d+/.test(line));
  return lines.filter((line) => line.startsWith('src/') || line.includes('node_modules/@zrm/'));
}

async function compile(appDir) {
  const results = [];
  const runs = Object.keys(TSCONFIGS).map(async (name) => {
    const started = performance.now();
    const { code, stdout } = await attempt(
      process.execPath,
      [tsc, '-p', `tsconfig.${configFile(name)}.json`],
      { cwd: appDir },
    );
    const errors = ownErrors(stdout);
    const problems = errors.map((line) => line.replace(/\s+/g, ' ').slice(0, 300));
    if (code !== 0 && errors.length === 0 && !/error TS\d+/.test(stdout))
      problems.push('tsc failed');
    results.push([`consumer: tsc ${name}`, problems, (performance.now() - started) / 1000]);
  });
  await Promise.all(runs);
  return results.sort(([a], [b]) => a.localeCompare(b));
}

/** Every @zrm package of the lock file must come from its tarball, once. */
function lockProblems(packed, appDir) {
  const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8'));
  const problems = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const match = /(?:^|\/)node_modules\/(@zrm\/[^/]+)$/.exec(path);
    if (match === null) continue;
    if (path !== `node_modules/${match[1]}`) problems.push(`${match[1]} installed twice (${path})`);
    if (!String(entry.resolved ?? '').startsWith('file:'))
      problems.push(`${match[1]} was not installed from its tarball`);
  }
  for (const { pkg } of packed)
    if (!(`node_modules/${pkg.manifest.name}` in (lock.packages ?? {})))
      problems.push(`${pkg.manifest.name} is not installed`);
  return problems;
}

/**
 * Loads every entry point but the CLI (loading a bin runs it) with require()
 * and with import, on each Node binary, and compares what the two give.
 */
async function loadProblems(packed, appDir, nodes) {
  const specifiers = packed.flatMap(({ pkg }) => {
    const { bin } = pkg.manifest;
    const binTargets = new Set(
      Object.values(typeof bin === 'string' ? { bin } : (bin ?? {})).map((target) =>
        target.replace(/^\.\//, ''),
      ),
    );
    return entrySpecifiers(pkg.manifest).filter(
      (specifier) => !binTargets.has(runtimeTarget(pkg.manifest, specifier)),
    );
  });
  writeFileSync(join(appDir, 'load-entries.cjs'), loadScript(specifiers));
  const results = [];
  for (const node of nodes) {
    const started = performance.now();
    const { code, stdout } = await attempt(node, ['load-entries.cjs'], {
      cwd: appDir,
      timeout: 60_000,
    });
    const seconds = (performance.now() - started) / 1000;
    const version = await attempt(node, ['--version']);
    let failed;
    let hooks = [];
    try {
      ({ failed, hooks } = JSON.parse(stdout.trim().split('\n').pop()));
    } catch {
      failed = [`load-entries.cjs exited ${code} without a report`];
    }
    for (const hook of hooks) failed.push(...(await hookProblems(node, hook, appDir)));
    const loaded = specifiers.length - hooks.length;
    const label = `consumer: require() and import of ${loaded} entry points, node --import of ${hooks.length}, on Node ${version.stdout.trim()}`;
    results.push([label, failed, seconds]);
  }
  return results;
}

/**
 * An entry point with top-level await (require() answers ERR_REQUIRE_ASYNC_MODULE)
 * is a start-up hook such as `@zrm/otel/register`: it is loaded the way its
 * README says, `node --import <id>`, before an empty program. Its exporters are
 * off (OTEL_*_EXPORTER=none, environment-only resource detection): the check is
 * that it starts and ends cleanly, not what it sends.
 */
async function hookProblems(node, id, appDir) {
  const env = {
    ...process.env,
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_NODE_RESOURCE_DETECTORS: 'env',
  };
  const { code, stderr } = await attempt(node, ['--import', id, '-e', '0'], {
    cwd: appDir,
    timeout: 60_000,
    env,
  });
  if (code === 0) return [];
  const reason = /^\w*Error[^\n]*/m.exec(stderr)?.[0]?.slice(0, 200) ?? `exit ${code}`;
  return [`${id}: node --import failed (${reason})`];
}

/** A CommonJS script that require()s and imports each specifier and prints what failed, as JSON. */
function loadScript(specifiers) {
  return `// written by the pack check
// require(esm) of a module with a default export adds \`__esModule\` for CommonJS interop
const names = (namespace) => Object.keys(namespace).filter((key) => key !== '__esModule').sort().join();
(async () => {
  const failed = [];
  const hooks = [];
  for (const id of ${JSON.stringify(specifiers)}) {
    let required;
    try {
      required = require(id);
    } catch (error) {
      // top-level await: a start-up hook, loaded with node --import by the check instead
      if (error.code === 'ERR_REQUIRE_ASYNC_MODULE') {
        hooks.push(id);
        continue;
      }
      failed.push(\`\${id}: require() failed (\${error.code ?? error.name})\`);
    }
    try {
      const imported = await import(id);
      if (required !== undefined && names(required) !== names(imported))
        failed.push(\`\${id}: require() and import give different exports\`);
    } catch (error) {
      failed.push(\`\${id}: import failed (\${error.code ?? error.name})\`);
    }
  }
  console.log(JSON.stringify({ failed, hooks }));
})();
`;
}

async function appProblems(appDir) {
  const { code, stdout, stderr } = await attempt(process.execPath, ['src/app.mjs'], {
    cwd: appDir,
    timeout: 60_000,
  });
  try {
    return JSON.parse(stdout.trim().split('\n').pop()).problems;
  } catch {
    const reason = /^\w*Error[^\n]*/m.exec(stderr)?.[0]?.slice(0, 200) ?? `exit ${code}`;
    return [`the app did not report (${reason})`];
  }
}

/** Runs each consumer step, handing `report(label, problems, seconds?)` its result as it ends. */
export async function checkConsumer(packed, appDir, report, nodes = [process.execPath]) {
  const setup = writeApp(packed, appDir);
  if (setup.length > 0) return report('consumer: app', setup);
  const install = await attempt('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: appDir,
    env: clientEnv(),
  });
  const output = `${install.stdout}\n${install.stderr}`;
  const installProblems = [];
  if (install.code !== 0)
    installProblems.push(`npm install failed: ${/npm error code (\S+)/.exec(output)?.[1] ?? ''}`);
  if (output.includes('ERESOLVE')) installProblems.push('npm reported ERESOLVE');
  if (install.code === 0) installProblems.push(...lockProblems(packed, appDir));
  report('consumer: npm install of the tarballs', installProblems);
  if (install.code !== 0) return;
  for (const result of await compile(appDir)) report(...result);
  for (const result of await loadProblems(packed, appDir, nodes)) report(...result);
  report('consumer: express + pino + otel app on loopback', await appProblems(appDir));
}
