import { createClient } from '@keyv/redis';
import { OutboundPacer } from '../../../../src/datasources/protection/outbound-pacer';
import { RedisPacingStore } from '../../../../src/datasources/protection/redis-pacing-store';
import { silentLogger } from '../../../../src/logging/logger';
import { startTestRedis, type TestRedis } from '../../../support/redis-server';

let redis: TestRedis | null = null;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** One clock for both "instances", moved by whoever sleeps. */
function clock() {
  let t = Date.now();
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

/** Two instances' pacers of one source, each with its own connection to one Redis. */
function twoInstances(c: ReturnType<typeof clock>, requestsPerMinute?: number) {
  const key = `zendesk:t${Math.random().toString(36).slice(2)}`;
  const stores = [0, 1].map(() => new RedisPacingStore({ url: redis!.url, logger: silentLogger(), now: c.now }));
  const [a, b] = stores.map(
    (store) => new OutboundPacer({ key, sourceId: 'zendesk', requestsPerMinute, store, now: c.now, sleep: c.sleep }),
  );
  return { a: a!, b: b!, close: () => Promise.all(stores.map((s) => s.close())) };
}

const maybe = (name: string, fn: () => Promise<void>) => it(name, async () => (redis ? fn() : undefined));

describe('outbound budgets shared through Redis', () => {
  maybe('two instances stay within one configured cap together', async () => {
    const c = clock();
    const { a, b, close } = twoInstances(c, 60);
    try {
      for (let i = 0; i < 3; i++) {
        await a.acquire(c.now() + 30_000);
        await b.acquire(c.now() + 30_000);
      }
      expect(c.sleeps).toEqual([]);
      await b.acquire(c.now() + 30_000);
      await a.acquire(c.now() + 30_000);
      expect(c.sleeps).toEqual([1_000, 1_000]);
    } finally {
      await close();
    }
  });

  maybe("both honour one instance's 429 pause", async () => {
    const c = clock();
    const { a, b, close } = twoInstances(c);
    try {
      a.observe(429, { 'retry-after': '3' }, c.now());
      await a.acquire(c.now() + 30_000);
      c.sleeps.length = 0;
      a.observe(429, { 'retry-after-ms': '2500' }, c.now());
      await new Promise((r) => setTimeout(r, 50));
      await b.acquire(c.now() + 30_000);
      expect(c.sleeps).toEqual([2_500]);
    } finally {
      await close();
    }
  });

  maybe("what one instance learnt of the provider's quota paces the other", async () => {
    const c = clock();
    const { a, b, close } = twoInstances(c);
    try {
      a.observe(200, { 'x-rate-limit': '100', 'x-rate-limit-remaining': '14' }, c.now());
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 2; i++) {
        await b.acquire(c.now() + 30_000);
        await a.acquire(c.now() + 30_000);
      }
      expect(c.sleeps).toEqual([15_000, 15_000, 15_000]);
    } finally {
      await close();
    }
  });
});

describe('a Redis that is down or slow', () => {
  it('never makes a call wait: budgets are kept in process', async () => {
    const store = new RedisPacingStore({ url: 'redis://127.0.0.1:1', logger: silentLogger() });
    const pacer = new OutboundPacer({ key: 'k', sourceId: 'nirvana', requestsPerMinute: 600, store });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      for (let i = 0; i < 60; i++) await pacer.acquire(Date.now() + 30_000);
      // Waiting on Redis would cost each call its 250 ms timeout (15 s); a loaded CI machine needs slack, not that.
      expect(Date.now() - started).toBeLessThan(1_000);
      // The cap still holds, per instance.
      await expect(pacer.acquire(Date.now() + 50)).rejects.toMatchObject({ reason: 'cap' });
    } finally {
      await store.close();
    }
  });

  maybe('a stalled Redis costs one call at most the operation timeout, then calls are decided in process', async () => {
    const store = new RedisPacingStore({ url: redis!.url, logger: silentLogger(), operationTimeoutMs: 100 });
    const pacer = new OutboundPacer({ key: `k${Date.now()}`, sourceId: 'nirvana', store });
    const admin = createClient({ url: redis!.url });
    await admin.connect();
    try {
      await pacer.acquire(Date.now() + 30_000);
      await admin.sendCommand(['CLIENT', 'PAUSE', '1500', 'ALL']);
      const first = Date.now();
      await pacer.acquire(Date.now() + 30_000);
      expect(Date.now() - first).toBeLessThan(400);
      const rest = Date.now();
      for (let i = 0; i < 20; i++) await pacer.acquire(Date.now() + 30_000);
      // Waiting on the stalled Redis would cost each call its 100 ms timeout (2 s).
      expect(Date.now() - rest).toBeLessThan(500);
    } finally {
      await new Promise((r) => setTimeout(r, 1_600));
      await admin.quit();
      await store.close();
    }
  });
});
