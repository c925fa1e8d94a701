import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import type { Logger } from '../../logging/logger';
import { TenantBoundedMap, tenantOfKey, type TenantBoundedMapUsage } from './tenant-bounded-map';

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
  /** What the in-process store holds (absent on Redis, which `maxmemory` bounds). */
  memoryUsage?(): TenantBoundedMapUsage;
  close(): Promise<void>;
}

/**
 * Default bound of the in-process store: 256 MiB. A native page of 100 events takes 60 to 130 KB
 * (measured on the four providers), so this keeps some 2,700 pages, about 270,000 events of
 * settled history; with the gateway's own heap it fits a 512 MiB container and stays far below
 * Node's default heap limit.
 */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Default share of one tenant: a quarter of the store (64 MiB by default, some 65,000 events: a
 * tenant's backfill), so that it takes four tenants at their share to fill it.
 */
export const DEFAULT_TENANT_SHARE = 0.25;

/** Options of the cache store. */
export interface CacheStoreOptions {
  /** `redis://` or `rediss://`; absent for in-process memory. */
  readonly url?: string;
  readonly logger: Logger;
  /** Longest wait for one cache operation before treating it as a miss, ms; default 250. */
  readonly operationTimeoutMs?: number;
  /** Key namespace; default `auditgraph`. */
  readonly namespace?: string;
  /** Most bytes the in-process store keeps (estimated, see tenant-bounded-map.ts); default 256 MiB. */
  readonly memoryMaxBytes?: number;
  /**
   * Most bytes the in-process store keeps for one tenant (the second `:`-separated part of every
   * key); default a quarter of `memoryMaxBytes`. A tenant over its share evicts its own entries.
   */
  readonly memoryMaxBytesPerTenant?: number;
  /** How often expired in-process entries are freed, ms; default 60 000. */
  readonly memorySweepMs?: number;
}

class CacheTimeout extends Error {}

/** The in-process store's byte bounds, from the options and their defaults. */
export function memoryBounds(options: Pick<CacheStoreOptions, 'memoryMaxBytes' | 'memoryMaxBytesPerTenant'>): {
  maxBytes: number;
  maxBytesPerTenant: number;
} {
  const maxBytes = options.memoryMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  return {
    maxBytes,
    maxBytesPerTenant: Math.min(maxBytes, options.memoryMaxBytesPerTenant ?? Math.floor(maxBytes * DEFAULT_TENANT_SHARE)),
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
  const namespace = options.namespace ?? 'auditgraph';
  const keyvOptions = { namespace, throwOnErrors: true, emitErrors: false };
  // Redis is bounded by its own `maxmemory` (and eviction policy); only memory is bounded here.
  const memory = store ? undefined : new TenantBoundedMap({ ...memoryBounds(options), tenantOf: tenantOfKey(namespace) });
  // Expired entries would otherwise stay until read or evicted: an idle gateway frees them.
  const sweep = memory ? setInterval(() => memory.purgeStale(), options.memorySweepMs ?? 60_000).unref() : undefined;
  // In process, values are kept as they are: serialising every page in and out was a quarter of
  // the gateway's CPU (bench profile). Callers never mutate what they get from the cache.
  const keyv = memory
    ? new Keyv({
        ...keyvOptions,
        store: memory,
        serialize: undefined,
        deserialize: undefined,
      })
    : new Keyv({ ...keyvOptions, store });
  let lastWarning = 0;
  const degrade = (operation: string, error: unknown) => {
    // One line per few seconds is enough to see an outage without flooding the log.
    const now = Date.now();
    if (now - lastWarning > 5_000) {
      lastWarning = now;
      logger.warn(
        { cache: kind, operation, err: error instanceof Error ? error.message : String(error) },
        'cache unavailable; serving without it',
      );
    }
  };
  return {
    kind,
    ...(memory ? { memoryUsage: () => memory.usage() } : {}),
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
      clearInterval(sweep);
      memory?.clear();
      try {
        await withTimeout(keyv.disconnect(), 1_000);
      } catch {
        // Closing a store that never connected is not worth an error at shutdown.
      }
    },
  };
}
