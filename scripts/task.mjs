#!/usr/bin/env node
// Entry point of the README's commands: needs only Node and npm. Installs the
// pinned pnpm and the workspace when they are missing, then runs the task.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentMajor, nodeBinary } from './node-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager; // pnpm@x.y.z

function pnpmCommand() {
  try {
    const version = execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim();
    if (`pnpm@${version}` === pinned) return ['pnpm'];
  } catch {
    // not installed: fall through to npx
  }
  return ['npx', '--yes', pinned];
}

const pnpm = pnpmCommand();
function run(args, label) {
  console.log(`\n▶ ${label}`);
  const [cmd, ...rest] = [...pnpm, ...args];
  const result = spawnSync(cmd, rest, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** The Node lines the suite runs on besides this process's own (see the README). */
const OTHER_TEST_LINES = [24, 26];

/**
 * `--node current`, `--node 24` or `--node 20,24,26` (default: this Node and
 * every line of OTHER_TEST_LINES) and the arguments left for vitest.
 */
function testLines(args) {
  const at = args.findIndex((a) => a === '--node' || a.startsWith('--node='));
  const own = currentMajor();
  const all = [own, ...OTHER_TEST_LINES.filter((major) => major !== own)];
  if (at === -1) return { lines: all, rest: args };
  const value = args[at].startsWith('--node=') ? args[at].slice(7) : args[at + 1];
  const rest = args.filter((_, i) => i !== at && (args[at].startsWith('--node=') || i !== at + 1));
  if (value === undefined || value === '') {
    console.error('usage: npm test -- --node current|all|<major>[,<major>...]');
    process.exit(2);
  }
  if (value === 'all') return { lines: all, rest };
  if (value === 'current') return { lines: [own], rest };
  const lines = value.split(',').map(Number);
  if (lines.some((major) => !Number.isInteger(major) || major < 20)) {
    console.error(`--node ${value}: expected current, all or Node major versions such as 24,26`);
    process.exit(2);
  }
  return { lines: [...new Set(lines)], rest };
}

/**
 * Runs the vitest suite on one Node line: this process's own with coverage
 * (pnpm's test:unit), another with that line's binary first on PATH, so the
 * suite's child processes run on it too. Returns the version it ran on, or
 * undefined after printing why the line failed.
 */
function testOn(major, args) {
  if (major === currentMajor()) {
    const label = `tests (vitest, Node ${process.version}, with coverage)`;
    console.log(`\n▶ ${label}`);
    const [cmd, ...rest] = [...pnpm, 'run', 'test:unit', ...args];
    const result = spawnSync(cmd, rest, { cwd: root, stdio: 'inherit' });
    return result.status === 0 ? process.version : fail(label, result);
  }
  let binary;
  try {
    binary = nodeBinary(major);
  } catch (error) {
    console.error(`✖ Node ${major}: ${error.message}`);
    return undefined;
  }
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  const label = `tests (vitest, Node ${version})`;
  console.log(`\n▶ ${label}`);
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const env = { ...process.env, PATH: `${dirname(binary)}${delimiter}${process.env.PATH ?? ''}` };
  const result = spawnSync(binary, [vitest, 'run', ...args], { cwd: root, stdio: 'inherit', env });
  return result.status === 0 ? version : fail(label, result);
}

function fail(label, result) {
  console.error(`✖ ${label} failed (exit ${result.status ?? result.signal})`);
  return undefined;
}

if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
  run(['install', '--frozen-lockfile'], 'install dependencies');
}

const task = process.argv[2];
const extra = process.argv.slice(3);
switch (task) {
  case 'test': {
    const { lines, rest } = testLines(extra);
    run(['run', 'build'], 'build (tsc -b, API reports)');
    // the build rewrote the reports: the check compares with the committed ones (git's index)
    run(
      ['exec', 'node', 'scripts/api-report.mjs', '--check'],
      'API report check (committed reports)',
    );
    run(['run', 'pack-check'], 'pack check (tarballs, publint, attw, consumer app)');
    run(['run', 'typecheck'], 'typecheck');
    run(['run', 'lint'], 'lint (eslint + prettier)');
    const passed = [];
    const failed = [];
    for (const major of lines) {
      const version = testOn(major, rest);
      if (version === undefined) failed.push(major);
      else passed.push(version);
    }
    if (passed.length > 0) console.log(`\n✔ the suite passed on Node ${passed.join(', ')}`);
    if (failed.length > 0) {
      console.error(`✖ the suite failed on Node ${failed.join(', ')}`);
      process.exit(1);
    }
    break;
  }
  case 'demo': {
    run(['run', 'build'], 'build (tsc -b)');
    console.log('\n▶ demo');
    const demo = spawnSync(
      process.execPath,
      [join(root, 'examples/voice-api/dist/demo.js'), ...extra],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    process.exit(demo.status ?? 1);
    break;
  }
  case 'bench':
    run(['run', 'build'], 'build (tsc -b)');
    // bench/report.mjs runs each Node line (--node, --no-run, --quick, --json; the rest goes to vitest)
    run(['exec', 'node', 'bench/report.mjs', ...extra], 'benchmarks and report (bench/RESULTS.md)');
    break;
  default:
    console.error('usage: node scripts/task.mjs <test|demo|bench> [args]');
    process.exit(2);
}
