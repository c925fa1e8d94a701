import type { CacheStore } from '../../../../src/datasources/cache/cache-store';
import { createPersistedQueryCache, PERSISTED_QUERY_TTL_MS } from '../../../../src/datasources/cache/persisted-query-cache';

function recordingStore() {
  const entries = new Map<string, { value: unknown; ttlMs: number }>();
  const store: CacheStore = {
    kind: 'memory',
    get: async <T>(key: string) => entries.get(key)?.value as T | undefined,
    set: async (key, value, ttlMs) => void entries.set(key, { value, ttlMs }),
    delete: async (key) => void entries.delete(key),
    ping: async () => true,
    close: async () => undefined,
  };
  return { store, entries };
}

describe('persisted query cache', () => {
  it('keeps documents in the shared store under the key Apollo gives, for at most the bounded TTL', async () => {
    const { store, entries } = recordingStore();
    const cache = createPersistedQueryCache(store);
    await cache.set('apq:abc', '{ sources { name } }', { ttl: 7 * 24 * 3600 });
    expect(entries.get('apq:abc')).toEqual({ value: '{ sources { name } }', ttlMs: PERSISTED_QUERY_TTL_MS });
    await cache.set('apq:short', '{ a }', { ttl: 60 });
    expect(entries.get('apq:short')?.ttlMs).toBe(60_000);
    await cache.set('apq:none', '{ b }');
    expect(entries.get('apq:none')?.ttlMs).toBe(PERSISTED_QUERY_TTL_MS);
    expect(await cache.get('apq:abc')).toBe('{ sources { name } }');
    await cache.delete('apq:abc');
    expect(await cache.get('apq:abc')).toBeUndefined();
  });

  it('does not keep an oversized document, and ignores anything but a string read back', async () => {
    const { store, entries } = recordingStore();
    const cache = createPersistedQueryCache(store, { maxBytes: 100 });
    await cache.set('apq:big', `{ ${'a '.repeat(100)}}`);
    expect(entries.has('apq:big')).toBe(false);
    entries.set('apq:odd', { value: { not: 'a string' }, ttlMs: 1 });
    expect(await cache.get('apq:odd')).toBeUndefined();
  });
});
