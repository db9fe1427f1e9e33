export declare const root: string;

export interface PublishedPackage {
  /** The directory name under packages/. */
  dir: string;
  path: string;
  manifest: Record<string, unknown> & { name: string; version: string };
}

export interface ManifestTarget {
  field: string;
  target: string;
}

/** `from`: the repository root (default: this one). */
export declare function publishedPackages(from?: string): PublishedPackage[];
export declare function manifestTargets(manifest: Record<string, unknown>): ManifestTarget[];
export declare function entrySpecifiers(manifest: Record<string, unknown>): string[];
export declare function runtimeTarget(
  manifest: Record<string, unknown>,
  specifier: string,
): string | undefined;
export declare function packageName(specifier: string): string;
