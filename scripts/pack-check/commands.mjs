// How the pack check runs npm, pnpm, tsc and Node.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The environment for the npm and pnpm commands: this process's, less what a
 * surrounding `pnpm run` put there (npm would take pnpm's user agent and
 * global config as its own).
 */
export function clientEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(npm|pnpm)_/i.test(key)) env[key] = value;
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

/** Runs a command to its end (5 minutes at most): `{ code, stdout, stderr }`, never throws. */
export async function attempt(command, args, options = {}) {
  try {
    const { stdout, stderr } = await run(command, args, {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
      ...options,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return {
      code: error.code ?? 1,
      stdout: String(error.stdout ?? ''),
      stderr: String(error.stderr ?? ''),
    };
  }
}
