import { createRequire } from 'node:module';
import type { AuditVersions } from './types.js';

const require = createRequire(import.meta.url);

function versionOf(manifest: string): string {
  try {
    return (require(manifest) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The audit's own version, the zrm version it was built with, and Node's. */
export function auditVersions(): AuditVersions {
  return {
    // dist/audit/ and src/audit/ both sit two levels below the package's manifest
    audit: versionOf('../../package.json'),
    zrm: versionOf('@zrm/core/package.json'),
    node: process.version,
  };
}
