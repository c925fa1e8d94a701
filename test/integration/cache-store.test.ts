import { createCacheStore, type CacheStore } from '../../src/datasources/cache/cache-store';
import { silentLogger } from '../../src/logging/logger';
import { startTestRedis, type TestRedis } from '../support/redis-server';

let redis: TestRedis | null = null;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe.each(['memory', 'redis'] as const)('cache store on %s', (kind) => {
  let store: CacheStore;
  beforeAll(() => {
    if (kind === 'redis' && !redis) return;
    store = createCacheStore({ url: kind === 'redis' ? redis!.url : undefined, logger: silentLogger(), namespace: `t${Date.now()}` });
  });
  afterAll(() => store?.close());
  const run = (name: string, fn: () => Promise<void>) => it(name, async () => (kind === 'redis' && !redis ? undefined : fn()));

  run('stores, expires and deletes values', async () => {
    await store.set('a', { n: 1, s: ['x'] }, 60_000);
    expect(await store.get('a')).toEqual({ n: 1, s: ['x'] });
    await store.set('b', 'short', 50);
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.get('b')).toBeUndefined();
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.ping()).toBe(true);
  });
});

describe('the in-process store', () => {
  const page = (n: number) => ({
    page: {
      events: Array.from({ length: 20 }, (_, i) => ({ id: `e${n}-${i}`, action: 'user.login', padding: 'x'.repeat(400) })),
      continuation: null,
    },
  });

  it("keeps one tenant within its share of bytes, and another tenant's entries where they are", async () => {
    const store = createCacheStore({ logger: silentLogger(), memoryMaxBytes: 4 * 1024 * 1024, memoryMaxBytesPerTenant: 1024 * 1024 });
    try {
      await store.set('page:victim:zendesk:c:1', page(-1), 60_000);
      for (let n = 0; n < 1_000; n++) await store.set(`page:flood:zendesk:c:${n}`, page(n), 60_000);
      const usage = store.memoryUsage!();
      expect(usage.tenants.get('flood')).toBeLessThanOrEqual(1024 * 1024);
      expect(usage.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
      expect(await store.get('page:victim:zendesk:c:1')).toEqual(page(-1));
      expect(await store.get('page:flood:zendesk:c:0')).toBeUndefined();
      expect(await store.get('page:flood:zendesk:c:999')).toEqual(page(999));
    } finally {
      await store.close();
    }
  });

  it('treats a value too large for a share, or not JSON, as not kept: a miss, never an error', async () => {
    const logger = silentLogger();
    const store = createCacheStore({ logger, memoryMaxBytes: 1024 * 1024, memoryMaxBytesPerTenant: 64 * 1024 });
    try {
      await expect(store.set('page:a:big', { padding: 'x'.repeat(70 * 1024) }, 60_000)).resolves.toBeUndefined();
      expect(await store.get('page:a:big')).toBeUndefined();
      await expect(store.set('page:a:odd', { n: BigInt(1) }, 60_000)).resolves.toBeUndefined();
      expect(await store.get('page:a:odd')).toBeUndefined();
      expect(store.memoryUsage!().bytes).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('frees expired entries while idle, without their being read', async () => {
    const store = createCacheStore({ logger: silentLogger(), memorySweepMs: 20 });
    try {
      await store.set('page:a:1', page(1), 30);
      await store.set('page:a:2', page(2), 60_000);
      const before = store.memoryUsage!().bytes;
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(store.memoryUsage!().bytes).toBeLessThan(before);
      expect(store.memoryUsage!().entries).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('has no in-process bound on Redis, which its own maxmemory bounds', () => {
    const store = createCacheStore({ url: 'redis://127.0.0.1:1', logger: silentLogger() });
    expect(store.memoryUsage).toBeUndefined();
    return store.close();
  });
});

describe('a cache that is down', () => {
  it('degrades to misses without throwing, quickly, and says it is not reachable', async () => {
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((obj: unknown, msg?: string) => warnings.push(String(msg))) as typeof logger.warn;
    const store = createCacheStore({ url: 'redis://127.0.0.1:1', logger, operationTimeoutMs: 100 });
    const started = Date.now();
    await expect(store.set('k', 1, 1000)).resolves.toBeUndefined();
    await expect(store.get('k')).resolves.toBeUndefined();
    expect(await store.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(warnings.length).toBeGreaterThan(0);
    await store.close();
  });
});
