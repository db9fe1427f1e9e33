#!/usr/bin/env node
// `prepack` of every published package. Only pnpm rewrites `workspace:` ranges
// into real versions when it packs; npm would publish them verbatim, and no
// consumer could install the package. So packing with anything but pnpm fails
// while the manifest holds one.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
const fields = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];
const workspaceRanges = fields.flatMap((field) =>
  Object.entries(manifest[field] ?? {})
    .filter(([, range]) => typeof range === 'string' && range.startsWith('workspace:'))
    .map(([name]) => `${field}.${name}`),
);

// Each client sets npm_execpath to itself; npm keeps an inherited user agent
// (npm run from a pnpm script), so the agent alone does not tell.
const packer = basename(process.env.npm_execpath ?? '').replace(/(-cli)?\.[cm]?js$/, '');
const byPnpm = packer === 'pnpm' && (process.env.npm_config_user_agent ?? '').startsWith('pnpm/');

if (workspaceRanges.length > 0 && !byPnpm) {
  console.error(
    `${manifest.name}: refusing to pack with ${packer || 'this tool'}: package.json holds ` +
      `workspace: ranges (${workspaceRanges.join(', ')}) that only pnpm rewrites into versions.\n` +
      `Pack and publish with \`pnpm pack\` / \`pnpm publish\` (docs/publishing.md).`,
  );
  process.exit(1);
}
