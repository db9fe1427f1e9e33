#!/usr/bin/env node
// Entry point of the README's commands: needs only Node and npm. Installs the
// pinned pnpm and the workspace when they are missing, then runs the task.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
  run(['install', '--frozen-lockfile'], 'install dependencies');
}

const task = process.argv[2];
const extra = process.argv.slice(3);
switch (task) {
  case 'test':
    run(['run', 'build'], 'build (tsc -b)');
    run(['run', 'typecheck'], 'typecheck');
    run(['run', 'lint'], 'lint (eslint + prettier)');
    run(['run', 'test:unit', ...extra], 'tests (vitest)');
    break;
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
