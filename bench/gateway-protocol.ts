import type { AppConfig } from '../src/config/config.schema';

/** One gateway the bench's gateway process runs. */
export interface GatewaySpec {
  /** How the parent refers to it, e.g. `cached`. */
  readonly name: string;
  /** The default in-memory page cache when true; `pageCache: false` otherwise. */
  readonly pageCache: boolean;
  /** Listen port; 0 or absent picks a free one. */
  readonly port?: number;
  /**
   * false: no per-request CPU clock and no RSS sampler (default true), so that the process costs
   * what the gateway alone costs, as when it is compared with a peer that carries no such probes.
   */
  readonly probes?: boolean;
}

/** `process.memoryUsage()` of the gateway process plus the highest RSS it sampled. */
export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Highest RSS seen by the process's own 10 ms sampler since start or the last reset. */
  readonly peakRss: number;
}

/** What the parent asks the gateway process. */
export type ChildRequest = { readonly id: number } & (
  | { readonly type: 'init'; readonly config: AppConfig; readonly gateways: readonly GatewaySpec[] }
  /** Closes a gateway and starts it again on the same port with an empty cache and counters. */
  | { readonly type: 'restart'; readonly name: string }
  /** Upstream attempts by source and CPU time of each `/graphql` request, since the last reset. */
  | { readonly type: 'counters'; readonly name: string; readonly reset?: boolean }
  | { readonly type: 'memory'; readonly gc?: boolean; readonly resetPeak?: boolean }
  /** Starts the V8 sampling profiler (through the inspector) in the gateway process. */
  | { readonly type: 'profile-start'; readonly intervalUs: number }
  /** Stops it and writes the `.cpuprofile` to `file`. */
  | { readonly type: 'profile-stop'; readonly file: string }
  | { readonly type: 'close' }
);

/** The gateway process's answer to one request. */
export interface ChildReply {
  readonly id: number;
  readonly result?: {
    readonly urls?: Record<string, string>;
    readonly url?: string;
    readonly upstream?: Record<string, number>;
    /** CPU time (user + system) of each `/graphql` request, ms; exact while requests come one at a time. */
    readonly cpuMs?: number[];
    readonly memory?: MemorySample;
  };
  readonly error?: string;
}
