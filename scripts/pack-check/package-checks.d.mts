import type { PublishedPackage } from './packages.mjs';

export declare function checkPackedPackage(
  pkg: Pick<PublishedPackage, 'dir' | 'manifest'>,
  packedDir: string,
  files: string[],
): string[];
