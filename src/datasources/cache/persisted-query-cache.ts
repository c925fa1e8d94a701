import type { ApolloServerOptions, BaseContext } from '@apollo/server';
import type { CacheStore } from './cache-store';

/** The store Apollo Server keeps automatic persisted queries in. */
export type PersistedQueryStore = NonNullable<Exclude<ApolloServerOptions<BaseContext>['persistedQueries'], false | undefined>['cache']>;

/** Bounds of the persisted-query store. */
export interface PersistedQueryCacheOptions {
  /** Longest an entry lives, ms; default 24 h. Apollo's own TTL is honoured when shorter. */
  readonly maxTtlMs?: number;
  /** Largest document kept, bytes; default 64 KiB. Larger ones still run, sent in full each time. */
  readonly maxBytes?: number;
}

/** Default lifetime of a persisted query. */
export const PERSISTED_QUERY_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_BYTES = 64 * 1024;

/**
 * Automatic persisted queries (hash → query document) in the shared cache store, so every
 * instance on one Redis knows a hash registered with any of them. Apollo prefixes the keys with
 * `apq:`. A document is not tenant data: any tenant that sends the hash of a known document gets
 * it run under its own key and grants. Entries expire (at most `maxTtlMs`) and oversized
 * documents are not kept; a failing store only means clients resend the full query.
 */
export function createPersistedQueryCache(store: CacheStore, options: PersistedQueryCacheOptions = {}): PersistedQueryStore {
  const maxTtlMs = options.maxTtlMs ?? PERSISTED_QUERY_TTL_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return {
    async get(key: string) {
      const value = await store.get<string>(key);
      return typeof value === 'string' ? value : undefined;
    },
    async set(key: string, value: string, setOptions?: { ttl?: number | null }) {
      if (Buffer.byteLength(value, 'utf8') > maxBytes) return;
      const ttlSeconds = setOptions?.ttl;
      const ttlMs = typeof ttlSeconds === 'number' && ttlSeconds > 0 ? Math.min(ttlSeconds * 1000, maxTtlMs) : maxTtlMs;
      await store.set(key, value, ttlMs);
    },
    async delete(key: string) {
      await store.delete(key);
    },
  };
}
