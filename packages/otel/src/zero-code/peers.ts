import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** An optional peer found from the application. */
export interface Peer {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the entry file `require` resolves to. */
  readonly entry: string;
  /** Resolves and loads from the peer's own folder: its dependencies are the SDK's parts. */
  readonly require: NodeJS.Require;
}

/**
 * Folders the peers are resolved from, best first: the entry module's (the
 * application's own install), the working directory, then this package's
 * (in a monorepo `@zrm/otel` may be a link whose real path has other modules).
 */
function searchFolders(): string[] {
  const folders: string[] = [];
  const main = process.argv[1];
  if (main !== undefined && main !== '') {
    const path = resolve(main);
    try {
      folders.push(dirname(realpathSync(path)));
    } catch {
      folders.push(dirname(path));
    }
  }
  folders.push(process.cwd(), dirname(fileURLToPath(import.meta.url)));
  return [...new Set(folders)];
}

function resolveFrom(folders: readonly string[], name: string): string | undefined {
  for (const folder of folders) {
    try {
      return createRequire(join(folder, 'index.js')).resolve(name);
    } catch {
      // not installed there: try the next folder
    }
  }
  return undefined;
}

/** The version in the package.json of `name` that holds `entry` (read directly: exports maps may hide it). */
export function versionOf(name: string, entry: string): string {
  for (let folder = dirname(entry); ; folder = dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === name) return String(manifest.version);
    } catch {
      // no manifest here: look further up
    }
    if (dirname(folder) === folder) return 'unknown';
  }
}

/**
 * Finds each peer from the application first. A missing one is a clear
 * error naming every package to install (and nothing else).
 */
export function findPeers<const N extends readonly string[]>(names: N): { [K in keyof N]: Peer } {
  const folders = searchFolders();
  const found = names.map((name) => ({ name, entry: resolveFrom(folders, name) }));
  const missing = found.filter((peer) => peer.entry === undefined).map((peer) => peer.name);
  if (missing.length > 0) {
    const list = missing.join(' ');
    throw Object.assign(
      new Error(
        `@zrm/otel/register needs ${missing.join(' and ')}, which the application does not have: install ${list} (npm install ${list})`,
      ),
      { code: 'ZRM_OTEL_PEER_MISSING' },
    );
  }
  return found.map(({ name, entry }) => ({
    name,
    entry: entry as string,
    version: versionOf(name, entry as string),
    require: createRequire(entry as string),
  })) as { [K in keyof N]: Peer };
}
