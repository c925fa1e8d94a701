import { CircuitBreaker, CircuitOpen, type CircuitState } from '../../../../src/datasources/protection/circuit-breaker';
import { TokenBucket, TokenBucketRefusal } from '../../../../src/datasources/protection/token-bucket';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), sleep: async (ms: number) => void (t += ms) };
}

describe('TokenBucket', () => {
  it('lets a burst through, then spaces callers at the sustained rate', async () => {
    const c = clock();
    const waits: number[] = [];
    const bucket = new TokenBucket({ perMinute: 60, burst: 3, now: c.now, sleep: async (ms) => { waits.push(ms); c.advance(ms); } });
    for (let i = 0; i < 3; i++) await bucket.take();
    expect(waits).toEqual([]);
    await bucket.take();
    expect(waits).toEqual([1000]);
  });

  it('refuses, with the wait, when the line is longer than the caller may wait or its deadline allows', async () => {
    const c = clock();
    // Callers queue concurrently: sleeping does not move this clock.
    const bucket = new TokenBucket({ perMinute: 60, burst: 1, maxWaitMs: 1500, now: c.now, sleep: async () => undefined });
    await bucket.take();
    await expect(bucket.take(c.now() + 500)).rejects.toBeInstanceOf(TokenBucketRefusal);
    await bucket.take();
    await expect(bucket.take()).rejects.toMatchObject({ retryAfterMs: 2000 });
    c.advance(2000);
    await bucket.take();
  });
});

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, fails fast while open, probes once, and closes on a good probe', () => {
    const c = clock();
    const states: CircuitState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetMs: 10_000, now: c.now, onStateChange: (s) => states.push(s) });
    for (let i = 0; i < 2; i++) {
      breaker.admit();
      breaker.record(false);
    }
    breaker.admit();
    breaker.record(true);
    for (let i = 0; i < 3; i++) {
      breaker.admit();
      breaker.record(false);
    }
    expect(breaker.state).toBe('open');
    expect(() => breaker.admit()).toThrow(CircuitOpen);
    c.advance(10_000);
    breaker.admit();
    expect(breaker.state).toBe('half-open');
    expect(() => breaker.admit()).toThrow(CircuitOpen);
    breaker.record(true);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens when the probe fails', () => {
    const c = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 1_000, now: c.now });
    breaker.admit();
    breaker.record(false);
    c.advance(1_000);
    breaker.admit();
    breaker.record(false);
    expect(breaker.state).toBe('open');
    expect(() => breaker.admit()).toThrow(CircuitOpen);
  });
});
