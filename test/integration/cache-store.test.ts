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
