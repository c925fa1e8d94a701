import { CircuitBreaker, CircuitOpen, type CircuitState } from '../../../../src/datasources/protection/circuit-breaker';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

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
