/** Options of a circuit breaker. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one probe is let through, ms. */
  readonly resetMs: number;
  readonly now?: () => number;
  /** Told of every state change (metrics, logs). */
  readonly onStateChange?: (state: CircuitState) => void;
}

/** `closed`: calls flow; `open`: calls fail fast; `half-open`: one probe decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Thrown instead of calling a provider whose circuit is open. */
export class CircuitOpen extends Error {
  constructor(readonly retryAfterMs: number) {
    super('circuit open');
  }
}

/**
 * Stops calling a provider that keeps failing: after `failureThreshold` consecutive failures
 * every call fails fast for `resetMs`, then a single probe is let through; its success closes
 * the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: CircuitState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  private set(state: CircuitState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }

  /** Admits a call or throws CircuitOpen. */
  admit(): void {
    if (this.current === 'closed') return;
    const elapsed = this.now() - this.openedAt;
    if (this.current === 'open' && elapsed >= this.options.resetMs) this.set('half-open');
    if (this.current === 'half-open' && !this.probing) {
      this.probing = true;
      return;
    }
    throw new CircuitOpen(Math.max(0, this.options.resetMs - elapsed));
  }

  /** Gives back an admission whose call was not made, without an outcome. */
  release(): void {
    this.probing = false;
  }

  /** Records the outcome of an admitted call. */
  record(success: boolean): void {
    this.probing = false;
    if (success) {
      this.failures = 0;
      this.set('closed');
      return;
    }
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.set('open');
    }
  }
}
