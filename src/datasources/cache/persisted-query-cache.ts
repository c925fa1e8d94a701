import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { CacheStore } from './cache-store';

/** The store Apollo Server keeps automatic persisted queries in. */
export type PersistedQueryStore = NonNullable<Exclude<ApolloServerOptions<BaseContext>['persistedQueries'], false | undefined>['cache']>;

/** Whose documents a request sees, and the bounds of the persisted-query store. */
export interface PersistedQueryCacheOptions<TContext extends BaseContext> {
  /** The tenant of a request: a hash is known only to the tenant that registered its document. */
  readonly tenantOf: (context: TContext) => string;
  /** How long a registered document lives, ms; default 24 h. */
  readonly maxTtlMs?: number;
  /** Largest document kept, bytes; default 64 KiB. Larger ones still run, sent in full each time. */
  readonly maxBytes?: number;
}

/** Automatic persisted queries scoped by tenant, for Apollo Server's `persistedQueries` and `plugins`. */
export interface TenantPersistedQueries<TContext extends BaseContext> {
  /** For `persistedQueries.cache`. Apollo calls it without the request, so it holds nothing. */
  readonly cache: PersistedQueryStore;
  /** Reads and registers documents under the request's tenant. */
  readonly plugin: ApolloServerPlugin<TContext>;
}

/** Default lifetime of a persisted query. */
export const PERSISTED_QUERY_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_BYTES = 64 * 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The store key of a tenant's persisted query: `apq:<tenant>:<sha256>`, the tenant encoded as in every cache key. */
export function persistedQueryKey(tenantId: string, sha256Hash: string): string {
  return `apq:${encodeURIComponent(tenantId)}:${sha256Hash}`;
}

/**
 * Automatic persisted queries (hash → query document) in the shared cache store, so every
 * instance on one Redis knows a hash registered with any of them — for the tenant that registered
 * it only: another tenant sending just the hash gets `PERSISTED_QUERY_NOT_FOUND` and cannot learn
 * which documents others run. Apollo's own APQ store is called without the request, so the plugin
 * does the tenant's part before Apollo looks: a known hash gets its document filled in (Apollo then
 * checks it against the hash as for any registration), and a document Apollo accepted is
 * registered under the tenant once it executes. The protocol's answers (not found, hash mismatch,
 * bad version) stay Apollo's. Entries live `maxTtlMs` and count against the tenant's share of the
 * store; oversized documents are not kept; a failing store only means clients resend the full query.
 */
export function createTenantPersistedQueries<TContext extends BaseContext>(
  store: CacheStore,
  options: PersistedQueryCacheOptions<TContext>,
): TenantPersistedQueries<TContext> {
  const maxTtlMs = options.maxTtlMs ?? PERSISTED_QUERY_TTL_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return {
    cache: {
      get: async () => undefined,
      set: async () => undefined,
      delete: async () => undefined,
    },
    plugin: {
      async requestDidStart({ request, contextValue }) {
        const persisted = request.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
        // Anything else is Apollo's to refuse; a hash that is not one never reaches a store key.
        if (persisted?.version !== 1 || typeof persisted.sha256Hash !== 'string' || !SHA256_HEX.test(persisted.sha256Hash)) return;
        const key = persistedQueryKey(options.tenantOf(contextValue), persisted.sha256Hash);
        if (request.query === undefined) {
          const document = await store.get<string>(key);
          if (typeof document !== 'string') return;
          request.query = document;
          return {
            async didResolveSource({ metrics }) {
              metrics.persistedQueryHit = true;
              metrics.persistedQueryRegister = false;
            },
          };
        }
        const document = request.query;
        if (Buffer.byteLength(document, 'utf8') > maxBytes) return;
        return {
          // Reached only after Apollo matched the hash and validated the document, as its own registration.
          async executionDidStart() {
            void store.set(key, document, maxTtlMs);
          },
        };
      },
    },
  };
}
