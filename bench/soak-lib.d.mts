export declare const TAINT_GRACE_MS: number;

export interface SoakSample {
  label: string;
  requests: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  taint: number;
  cpuMicros: number;
}

export interface SoakOptions {
  /** Total requests, alternating ZRM and ordinary. */
  requests: number;
  phases?: number;
  warmup?: number;
  concurrency?: number;
  framework?: 'express' | 'fastify';
  keepSnapshot?: boolean;
  execArgv?: string[];
  /** Another server script speaking the same IPC protocol as soak-server.mjs (experiments). */
  server?: string;
  progress?: (line: string) => void;
}

export interface SoakResult {
  framework: 'express' | 'fastify';
  requests: number;
  zrmRequests: number;
  ordinaryRequests: number;
  measuredRequests: number;
  concurrency: number;
  seconds: number;
  requestsPerSecond: number;
  statuses: Record<string, number>;
  samples: SoakSample[];
  heapGrowthBytes: number;
  externalGrowthBytes: number;
  heapSlopeBytesPerRequest: number;
  taintAfterGrace: number;
  snapshotBytes: number;
  found: { zrm: boolean; ordinary: boolean; control: boolean };
  retainedBy: string | undefined;
  logged: { zrm: number; ordinary: number };
  markers?: { zrm: string; ordinary: string; control: string };
  snapshotFile?: string;
}

export declare function runSoak(options: SoakOptions): Promise<SoakResult>;
export declare function retainerPath(snapshotBytes: Buffer, marker: string): string;
