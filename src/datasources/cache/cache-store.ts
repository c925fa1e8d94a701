import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../logging/logger';

/**
 * The shared key-value store behind every cache of auditgraph (pages, highlight requests, …).
 * It never fails a request: an error or a slow answer is logged and counts as a miss.
 */
export interface CacheStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` for `ttlMs` milliseconds. */
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Whether the store answers at all (for `/readyz`). */
  ping(): Promise<boolean>;
  /** `memory` or `redis`, for logs and `/readyz`. */
  readonly kind: 'memory' | 'redis';
  close(): Promise<void>;
}

/** Options of the cache store. */
export interface CacheStoreOptions {
  /** `redis://` or `rediss://`; absent for in-process memory. */
  readonly url?: string;
  readonly logger: Logger;
  /** Longest wait for one cache operation before treating it as a miss, ms; default 250. */
  readonly operationTimeoutMs?: number;
  /** Key namespace; default `auditgraph`. */
  readonly namespace?: string;
  /** Most entries the in-process store keeps, least recently used dropped first; default 20 000. */
  readonly memoryMaxEntries?: number;
}

class CacheTimeout extends Error {}

/** A Map-shaped LRU for Keyv (lru-cache's own `set` takes options where Keyv passes a TTL). */
function boundedMap(max: number) {
  const lru = new LRUCache<string, object>({ max });
  return {
    get: (key: string) => lru.get(key),
    set: (key: string, value: object) => {
      lru.set(key, value);
      return true;
    },
    delete: (key: string) => lru.delete(key),
    has: (key: string) => lru.has(key),
    clear: () => lru.clear(),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CacheTimeout(`cache operation took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Creates the store: Redis through `@keyv/redis` when a URL is configured, else memory. */
export function createCacheStore(options: CacheStoreOptions): CacheStore {
  const { logger } = options;
  const timeoutMs = options.operationTimeoutMs ?? 250;
  const kind = options.url ? 'redis' : 'memory';
  const store = options.url
    ? new KeyvRedis(options.url, { throwOnConnectError: false, throwOnErrors: true, connectionTimeout: 1_000 })
    : undefined;
  const keyvOptions = { namespace: options.namespace ?? 'auditgraph', throwOnErrors: true, emitErrors: false };
  // In process, values are kept as they are: serialising every page in and out was a quarter of
  // the gateway's CPU (bench profile). Callers never mutate what they get from the cache.
  const keyv = store
    ? new Keyv({ ...keyvOptions, store })
    : new Keyv({
        ...keyvOptions,
        store: boundedMap(options.memoryMaxEntries ?? 20_000),
        serialize: undefined,
        deserialize: undefined,
      });
  let lastWarning = 0;
  const degrade = (operation: string, error: unknown) => {
    // One line per few seconds is enough to see an outage without flooding the log.
    const now = Date.now();
    if (now - lastWarning > 5_000) {
      lastWarning = now;
      logger.warn({ cache: kind, operation, err: error instanceof Error ? error.message : String(error) }, 'cache unavailable; serving without it');
    }
  };
  return {
    kind,
    async get<T>(key: string) {
      try {
        return (await withTimeout(keyv.get<T>(key), timeoutMs)) ?? undefined;
      } catch (error) {
        degrade('get', error);
        return undefined;
      }
    },
    async set<T>(key: string, value: T, ttlMs: number) {
      try {
        await withTimeout(keyv.set(key, value, ttlMs), timeoutMs);
      } catch (error) {
        degrade('set', error);
      }
    },
    async delete(key: string) {
      try {
        await withTimeout(keyv.delete(key), timeoutMs);
      } catch (error) {
        degrade('delete', error);
      }
    },
    async ping() {
      const key = `ping:${process.pid}`;
      try {
        await withTimeout(keyv.set(key, 1, 5_000), timeoutMs);
        return (await withTimeout(keyv.get(key), timeoutMs)) === 1;
      } catch {
        return false;
      }
    },
    async close() {
      try {
        await withTimeout(keyv.disconnect(), 1_000);
      } catch {
        // Closing a store that never connected is not worth an error at shutdown.
      }
    },
  };
}
