/** Options of a token bucket. */
export interface TokenBucketOptions {
  /** Sustained rate. */
  readonly perMinute: number;
  /** Largest burst; default a tenth of a minute's worth, at least 1. */
  readonly burst?: number;
  /** Longest a caller may wait for a token before giving up, ms; default 2000. */
  readonly maxWaitMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Why a token was refused, and when to try again. */
export class TokenBucketRefusal extends Error {
  constructor(readonly retryAfterMs: number) {
    super('rate limit');
  }
}

/**
 * Outbound request budget of one source. A caller takes a token, waits briefly in line when
 * none is left, and is refused when the wait would exceed `maxWaitMs` or its deadline.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: TokenBucketOptions) {
    this.capacity = Math.max(1, options.burst ?? Math.ceil(options.perMinute / 10));
    this.perMs = options.perMinute / 60_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.tokens = this.capacity;
    this.updated = this.now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updated) * this.perMs);
    this.updated = now;
  }

  /** Takes a token, waiting if needed; throws TokenBucketRefusal when it cannot within the limits. */
  async take(deadline: number = Number.POSITIVE_INFINITY): Promise<void> {
    this.refill();
    // Reserve now (tokens may go negative): callers queue in arrival order without a separate queue.
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil(-this.tokens / this.perMs);
    if (waitMs > (this.options.maxWaitMs ?? 2_000) || this.now() + waitMs > deadline) {
      this.tokens += 1;
      throw new TokenBucketRefusal(waitMs);
    }
    await this.sleep(waitMs);
  }
}
