/** The four upstream audit-log providers the gateway can read. */
export type ProviderName = 'logrocket' | 'zendesk' | 'losant' | 'nirvana';

/** A misbehaviour the simulator applies to matching requests until it runs out or is cleared. */
export interface Fault {
  /** Added delay before answering, ms. */
  latencyMs?: number;
  /** Answer with this HTTP status (e.g. 500, 502, 503) in the provider's own error format (or text/plain sometimes for Zendesk). */
  status?: number;
  /** Answer 429 with Retry-After: <seconds> (Nirvana also Retry-After-Ms). */
  rateLimited?: { retryAfterSeconds: number };
  /** Answer 200 with a truncated / non-JSON body. */
  malformed?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** How many requests this fault applies to (default: unlimited until cleared). */
  times?: number;
  /** Only apply to requests whose path (without query) matches. */
  pathIncludes?: string;
}

/** One request as the simulator received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The request body as text (empty for GETs), for the APIs that take one (LogRocket's PUT/POST). */
  body?: string;
  /** `performance.now()` when the request arrived: how far apart a client's calls were made. */
  receivedAtMs: number;
}

/** What every provider simulator offers, whatever its wire format. */
export interface SimulatorBase<TWire> {
  readonly provider: ProviderName;
  /** e.g. http://127.0.0.1:54321 — the `baseUrl` the gateway config uses. */
  readonly baseUrl: string;
  /** Current wire records (a copy), in the simulator's canonical storage order. */
  records(): TWire[];
  /** Append records stamped at `at` (default now()); returns what was added (wire shape). Used to insert while a client pages. */
  insert(count: number, options?: { at?: Date }): TWire[];
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Every request received since start or the last resetRequests(). */
  readonly requests: RecordedRequest[];
  resetRequests(): void;
  close(): Promise<void>;
}

/** Options every `start<Name>Simulator` accepts; all optional. */
export interface SimulatorOptions {
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  /** PRNG seed for the generated data (default 1). */
  seed?: number;
  /** How many records to generate (default 3000). */
  count?: number;
  /** How many days of history, ending at `now()` at start-up (default 60). */
  days?: number;
  /** Clock; injectable so tests are deterministic (default `() => new Date()`). */
  now?: () => Date;
  /**
   * Size of one burst of records sharing one identical timestamp near the middle of the range
   * (default 0). The burst is part of `count`; `count` is raised to it when smaller.
   */
  bigTieGroup?: number;
}

/** Defaults applied to {@link SimulatorOptions}. */
export const SIMULATOR_DEFAULTS = {
  port: 0,
  seed: 1,
  count: 3000,
  days: 60,
  bigTieGroup: 0,
} as const;
