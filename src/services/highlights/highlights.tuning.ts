/** Timings of the highlights cache and poller; every value in ms. */
export interface HighlightsTuning {
  /** Shortest time between two GETs of one request id, however many clients ask. Default 3 s. */
  readonly pollIntervalMs: number;
  /** How long a READY result is served from the cache before the next ask posts anew. Default 1 h. */
  readonly readyTtlMs: number;
  /** How long a PENDING request is waited for before the next ask gives up on it and posts anew. Default 15 min. */
  readonly pendingTtlMs: number;
  /** How long a FAILED request stays readable through `node(id)`; an ask posts anew at once. Default 10 min. */
  readonly failedTtlMs: number;
  /** Distinct users whose highlights one query resolves at once (`User.highlights`). Default 4. */
  readonly userConcurrency: number;
  /** Deadline of a POST or poll shared by several callers (it outlives any one of them). Default 20 s. */
  readonly sharedCallTimeoutMs: number;
  /** Deadline of one forward to a client's webhook, connecting included. Default 5 s. */
  readonly forwardTimeoutMs: number;
}

/** Defaults of {@link HighlightsTuning}. */
export const HIGHLIGHTS_DEFAULTS: HighlightsTuning = {
  pollIntervalMs: 3_000,
  readyTtlMs: 60 * 60 * 1000,
  pendingTtlMs: 15 * 60 * 1000,
  failedTtlMs: 10 * 60 * 1000,
  userConcurrency: 4,
  sharedCallTimeoutMs: 20_000,
  forwardTimeoutMs: 5_000,
};
