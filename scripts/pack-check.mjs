#!/usr/bin/env node
// Checks what a registry would serve of every published package (run after
// `pnpm run build`): packs each with pnpm, checks the tarball (manifest,
// entry files, references, LICENSE/README, publint, attw), proves the publish
// guard on a loopback registry, then installs the tarballs with npm into a
// fresh app, compiles a consumer under three tsconfigs and runs a real
// express + pino + OpenTelemetry app with canaries. See docs/publishing.md.
//   node scripts/pack-check.mjs [--keep] [--skip-consumer] [--node PATH]…
// --keep leaves the temp dir; --node also loads the entry points on that Node binary.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConsumer } from './pack-check/consumer.mjs';
import { attwProblems, publintProblems } from './pack-check/lint-tools.mjs';
import { checkPackedPackage } from './pack-check/package-checks.mjs';
import { publishedPackages } from './pack-check/packages.mjs';
import { checkPublishGuard } from './pack-check/publish-guard.mjs';
import { listFiles, packWithPnpm, unpack } from './pack-check/tarball.mjs';

const usage = 'usage: pack-check [--keep] [--skip-consumer] [--node PATH]…';
const args = { keep: false, skipConsumer: false, nodes: [process.execPath] };
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === '--keep') args.keep = true;
  else if (arg === '--skip-consumer') args.skipConsumer = true;
  else if (arg === '--node' && process.argv[i + 1] !== undefined)
    args.nodes.push(process.argv[++i]);
  else {
    console.error(`pack-check: unknown argument ${arg}\n${usage}`);
    process.exit(2);
  }
}

const work = mkdtempSync(join(tmpdir(), 'zrm-pack-check-'));
let failures = 0;

let last = performance.now();
/** Prints one line for a package or a step; `seconds` defaults to the time since the last line. */
function report(label, problems, seconds = (performance.now() - last) / 1000) {
  last = performance.now();
  seconds = seconds.toFixed(1);
  if (problems.length === 0) {
    console.log(`ok    ${label} [${seconds} s]`);
    return;
  }
  failures++;
  console.log(`FAIL  ${label} [${seconds} s]: ${problems.join('; ')}`);
}

async function checkPackage(pkg) {
  const started = performance.now();
  const result = await packAndCheck(pkg);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

async function packAndCheck(pkg) {
  let tarball;
  try {
    tarball = await packWithPnpm(pkg.path, join(work, 'tarballs', pkg.dir));
  } catch (error) {
    return { pkg, problems: [error instanceof Error ? error.message : 'pnpm pack failed'] };
  }
  const packedDir = unpack(tarball, join(work, 'unpacked', pkg.dir));
  const files = listFiles(packedDir);
  const [publint, attw] = await Promise.all([publintProblems(tarball), attwProblems(tarball)]);
  return {
    pkg,
    tarball,
    files,
    problems: [...checkPackedPackage(pkg, packedDir, files), ...publint, ...attw],
  };
}

/** `task` over `items`, at most `width` at a time (the machine has two cores); results in order. */
async function inPool(items, width, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

try {
  const packages = publishedPackages();
  if (packages.length === 0) throw new Error('no published package found under packages/');
  const results = await inPool(packages, 2, checkPackage);
  for (const { pkg, files, problems, seconds } of results)
    report(
      `${pkg.manifest.name}${files === undefined ? '' : ` (${files.length} files)`}`,
      problems,
      seconds,
    );
  report('publish guard', await checkPublishGuard(packages, work));
  if (!args.skipConsumer) {
    const packed = results.filter((result) => result.tarball !== undefined);
    await checkConsumer(packed, join(work, 'app'), report, args.nodes);
  }
} catch (error) {
  failures++;
  console.log(`FAIL  pack-check: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (args.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures > 0) {
  console.log(`pack-check: ${failures} failed`);
  process.exit(1);
}
console.log('pack-check: every published package is ready');
