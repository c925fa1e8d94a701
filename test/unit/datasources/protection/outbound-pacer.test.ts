import { BudgetRefusal, OutboundPacer, type OutboundPacerOptions } from '../../../../src/datasources/protection/outbound-pacer';
import { MemoryPacingStore } from '../../../../src/datasources/protection/pacing-store';
import { readProviderSignals } from '../../../../src/datasources/protection/provider-signals';

const START = Date.parse('2025-03-01T12:00:00Z');

/** A clock that only moves when a pacer sleeps (sequential callers) or when told to. */
function clock() {
  let t = START;
  const sleeps: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => void (t += ms),
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

function pacer(c: ReturnType<typeof clock>, options: Partial<OutboundPacerOptions> = {}) {
  return new OutboundPacer({
    key: 'zendesk:acct',
    sourceId: 'zendesk',
    store: new MemoryPacingStore(),
    now: c.now,
    sleep: c.sleep,
    ...options,
  });
}

const zendesk = (limit: number, remaining: number, extra: Record<string, string> = {}) => ({
  'x-rate-limit': String(limit),
  'x-rate-limit-remaining': String(remaining),
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<BudgetRefusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BudgetRefusal);
  return error as BudgetRefusal;
}

/** Lets fire-and-forget observations land. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('OutboundPacer', () => {
  it('does not pace a provider that states no limit', async () => {
    const c = clock();
    const p = pacer(c);
    for (let i = 0; i < 2_000; i++) {
      await p.acquire(c.now() + 30_000);
      p.observe(200, {}, c.now());
    }
    expect(c.sleeps).toEqual([]);
  });

  it('spends a reported quota freely down to half, spreads the rest above a 10% reserve over the window, and never touches the reserve', async () => {
    const c = clock();
    const p = pacer(c);
    // The provider: 700 a minute, counted per clock minute from START.
    let used = 0;
    const sent: number[] = [];
    for (let i = 0; i < 700; i++) {
      const deadline = c.now() + 30_000;
      try {
        await p.acquire(deadline);
      } catch (error) {
        expect(error).toBeInstanceOf(BudgetRefusal);
        c.advance(1_000);
        continue;
      }
      if (c.now() >= START + 60_000) break;
      used += 1;
      sent.push(c.now() - START);
      p.observe(200, zendesk(700, 700 - used), c.now());
      await settle();
    }
    // 350 at once, then the 280 above the reserve of 70 spread evenly over the rest of the minute.
    expect(sent.filter((ms) => ms === 0)).toHaveLength(351);
    expect(used).toBeLessThanOrEqual(630);
    expect(used).toBeGreaterThanOrEqual(620);
    const gaps = sent.slice(352).map((ms, i) => ms - sent[351 + i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(150);
    expect(Math.max(...gaps)).toBeLessThan(250);
  });

  it('spreads what is left when the account was spent by others, and waits for the next window at the reserve', async () => {
    const c = clock();
    const p = pacer(c);
    await p.acquire(c.now() + 30_000);
    p.observe(200, zendesk(100, 14), c.now());
    await settle();
    // 14 left, 10 reserved: 4 calls over the ~60 s left, 15 s apart.
    for (let i = 0; i < 4; i++) {
      await p.acquire(c.now() + 30_000);
      p.observe(200, zendesk(100, 13 - i), c.now());
      await settle();
    }
    expect(c.sleeps).toEqual([15_000, 15_000, 15_000]);
    const refused = await refusal(p.acquire(c.now() + 10_000));
    expect(refused.reason).toBe('provider');
    expect(refused.retryAfterMs).toBe(15_000);
    // An answer with more left than the calls in flight explain means a new window: no more pacing.
    p.observe(200, zendesk(100, 95), c.now());
    await settle();
    c.sleeps.length = 0;
    for (let i = 0; i < 20; i++) await p.acquire(c.now() + 30_000);
    expect(c.sleeps).toEqual([]);
  });

  it('takes the window end from ratelimit-reset when the provider sends it', async () => {
    const c = clock();
    const p = pacer(c);
    p.observe(200, { 'ratelimit-limit': '100', 'ratelimit-remaining': '12', 'ratelimit-reset': '4' }, c.now());
    await settle();
    for (let i = 0; i < 2; i++) await p.acquire(c.now() + 30_000);
    // 2 spendable over 4 s.
    expect(c.sleeps).toEqual([2_000]);
  });

  it('queues concurrent callers one slot apart while spreading', async () => {
    const t = START;
    const waits: number[] = [];
    const p = new OutboundPacer({
      key: 'k',
      sourceId: 'zendesk',
      store: new MemoryPacingStore(),
      now: () => t,
      sleep: async (ms) => void waits.push(ms),
    });
    p.observe(200, zendesk(100, 30), t);
    await Promise.all(Array.from({ length: 4 }, () => p.acquire(t + 30_000)));
    // 20 spendable over the 60 s left: one every 3 s, each reserved in arrival order.
    expect(waits).toEqual([3_000, 6_000, 9_000]);
  });

  it.each([
    ['Retry-After seconds', { 'retry-after': '3' }, 3_000],
    ['Retry-After-Ms', { 'retry-after-ms': '1500' }, 1_500],
    ['Retry-After as an HTTP date', { 'retry-after': new Date(START + 5_000).toUTCString() }, 5_000],
  ])('a 429 with %s pauses every call of the source until then', async (_, headers, pauseMs) => {
    const c = clock();
    const p = pacer(c);
    p.observe(429, headers, c.now());
    await settle();
    await p.acquire(c.now() + 30_000);
    await p.acquire(c.now() + 30_000);
    expect(c.sleeps).toEqual([pauseMs]);
  });

  it('a 429 without Retry-After pauses 1 s, doubling while they keep coming; an answer ends the streak', async () => {
    const c = clock();
    const p = pacer(c);
    for (let i = 0; i < 3; i++) {
      p.observe(429, {}, c.now());
      await settle();
      await p.acquire(c.now() + 30_000);
    }
    expect(c.sleeps).toEqual([1_000, 2_000, 4_000]);
    p.observe(200, {}, c.now());
    p.observe(429, {}, c.now());
    await settle();
    await p.acquire(c.now() + 30_000);
    expect(c.sleeps.at(-1)).toBe(1_000);
  });

  it('refuses at once, with the wait, when the pause outlasts the deadline', async () => {
    const c = clock();
    const p = pacer(c);
    p.observe(429, { 'retry-after': '120' }, c.now());
    await settle();
    const refused = await refusal(p.acquire(c.now() + 30_000));
    expect(refused).toMatchObject({ reason: 'paused', retryAfterMs: 120_000 });
    expect(c.sleeps).toEqual([]);
  });

  it('a Zendesk 429 saying none is left dates the window end, so calls resume after it', async () => {
    const c = clock();
    const p = pacer(c);
    p.observe(200, zendesk(700, 400), c.now());
    c.advance(30_000);
    p.observe(429, zendesk(700, 0, { 'retry-after': '5' }), c.now());
    await settle();
    await p.acquire(c.now() + 30_000);
    expect(c.sleeps).toEqual([5_000]);
  });

  it('a call waiting for its turn also waits out a pause that began meanwhile', async () => {
    let t = START;
    let release!: () => void;
    const slept: number[] = [];
    const p = new OutboundPacer({
      key: 'k',
      sourceId: 'nirvana',
      requestsPerMinute: 60,
      store: new MemoryPacingStore(),
      now: () => t,
      sleep: (ms) => {
        slept.push(ms);
        if (slept.length > 1) {
          t += ms;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    for (let i = 0; i < 6; i++) await p.acquire(t + 30_000);
    const waiting = p.acquire(t + 30_000);
    await settle();
    expect(slept).toEqual([1_000]);
    p.observe(429, { 'retry-after': '4' }, t);
    await settle();
    t += 1_000;
    release();
    await waiting;
    expect(slept).toEqual([1_000, 3_000]);
  });

  it('stops waiting at once when the caller goes away', async () => {
    const p = new OutboundPacer({ key: 'k', sourceId: 'nirvana', store: new MemoryPacingStore() });
    p.observe(429, { 'retry-after': '20' }, Date.now());
    await settle();
    const controller = new AbortController();
    const started = Date.now();
    const waiting = p.acquire(Date.now() + 30_000, controller.signal);
    setTimeout(() => controller.abort(new Error('client went away')), 20);
    await expect(waiting).rejects.toThrow('client went away');
    expect(Date.now() - started).toBeLessThan(500);
  });

  describe('a configured cap', () => {
    it('lets a tenth of a minute through at once, then one per interval, and refuses what its deadline cannot wait for', async () => {
      const c = clock();
      const p = pacer(c, { sourceId: 'nirvana', requestsPerMinute: 60 });
      for (let i = 0; i < 6; i++) await p.acquire(c.now() + 30_000);
      expect(c.sleeps).toEqual([]);
      await p.acquire(c.now() + 30_000);
      expect(c.sleeps).toEqual([1_000]);
      const refused = await refusal(p.acquire(c.now() + 500));
      expect(refused).toMatchObject({ reason: 'cap', retryAfterMs: 1_000 });
      await p.acquire(c.now() + 30_000);
      expect(c.sleeps).toEqual([1_000, 1_000]);
    });

    it('is shared by every pacer on one store and key (instances on one Redis)', async () => {
      const c = clock();
      const store = new MemoryPacingStore();
      const a = pacer(c, { sourceId: 'nirvana', requestsPerMinute: 60, store });
      const b = pacer(c, { sourceId: 'nirvana', requestsPerMinute: 60, store });
      for (let i = 0; i < 3; i++) {
        await a.acquire(c.now() + 30_000);
        await b.acquire(c.now() + 30_000);
      }
      expect(c.sleeps).toEqual([]);
      await a.acquire(c.now() + 30_000);
      expect(c.sleeps).toEqual([1_000]);
    });
  });
});

describe('readProviderSignals', () => {
  it('reads quota headers in both spellings, ignores junk, and Retry-After only on a 429', () => {
    expect(readProviderSignals(200, zendesk(700, 699), START)).toEqual({ status: 200, limit: 700, remaining: 699 });
    expect(readProviderSignals(200, { 'ratelimit-limit': '700', 'ratelimit-remaining': '10', 'ratelimit-reset': '41' }, START)).toEqual({
      status: 200,
      limit: 700,
      remaining: 10,
      resetInMs: 41_000,
    });
    expect(readProviderSignals(200, { 'x-rate-limit': 'lots', 'x-rate-limit-remaining': '3' }, START)).toEqual({ status: 200 });
    expect(readProviderSignals(503, { 'retry-after': '5' }, START)).toEqual({ status: 503 });
    expect(readProviderSignals(429, { 'retry-after': '5' }, START)).toEqual({ status: 429, retryAfterMs: 5_000 });
  });
});
