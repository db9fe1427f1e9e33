// publint (strict) and are-the-types-wrong on a packed tarball.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { attempt } from './commands.mjs';
import { root } from './packages.mjs';

/**
 * `CJSResolvesToESM` is what attw reports for every ESM-only package: a
 * `require()` of it is an error before Node 20.19 / 22.12. The packages
 * declare `engines.node >= 20.19`, where `require(esm)` loads them (checked
 * by the consumer step), and each README says so under "Module format".
 */
export const IGNORED_ATTW_RULE = { flag: 'cjs-resolves-to-esm', kind: 'CJSResolvesToESM' };

/** publint's errors and warnings (strict makes warnings errors), as sentences. */
export async function publintProblems(tarball) {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    strict: true,
    level: 'warning',
  });
  return messages.map(
    (message) => `publint ${message.code}: ${formatMessage(message, pkg, { color: false })}`,
  );
}

/** attw's problems other than the ignored rule, one sentence per kind and entry point. */
export async function attwProblems(tarball) {
  const bin = join(root, 'node_modules', '.bin', 'attw');
  const args = [tarball, '--format', 'json', '--no-definitely-typed'];
  const { code, stdout } = await attempt(bin, [...args, '--ignore-rules', IGNORED_ATTW_RULE.flag]);
  const failed = code !== 0;
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return ['attw did not run (no JSON report)'];
  }
  const problems = (report.analysis?.problems ?? [])
    .filter((problem) => problem.kind !== IGNORED_ATTW_RULE.kind)
    .map(
      (problem) =>
        `attw ${problem.kind}` +
        (problem.entrypoint ? ` at "${problem.entrypoint}"` : '') +
        (problem.resolutionKind ? ` (${problem.resolutionKind})` : ''),
    );
  if (failed && problems.length === 0) problems.push('attw exited non-zero');
  return [...new Set(problems)];
}
