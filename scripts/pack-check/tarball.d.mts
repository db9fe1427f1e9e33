export declare function packWithPnpm(pkgPath: string, destination: string): Promise<string>;
export declare function unpack(tarball: string, destination: string): string;
export declare function listFiles(dir: string): string[];
