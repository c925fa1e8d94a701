import type { CacheStore } from '../../../src/datasources/cache/cache-store';
import type { LogRocketRestClient } from '../../../src/datasources/logrocket/logrocket-rest.client';
import type { SourceAdapter } from '../../../src/datasources/source-adapter';
import { SourceRegistry, type TenantScope } from '../../../src/datasources/source-registry';
import { silentLogger } from '../../../src/logging/logger';
import { LogRocketRestSources } from '../../../src/services/logrocket-rest-sources';
import type { RequestScope } from '../../../src/services/request-scope';

/** A stand-in for one LogRocket source's REST client: only the methods a test fills in exist. */
export function fakeClient(
  sourceId: string,
  methods: Partial<Record<'upsertUser' | 'createHighlights' | 'getHighlights' | 'listDataExport', (...args: any[]) => any>>,
) {
  return { sourceId, app: { orgId: 'acme', appId: sourceId }, close: async () => undefined, ...methods } as unknown as LogRocketRestClient;
}

/** A registry with these LogRocket sources (plus a Zendesk one) and a resolver over the clients. */
export function fakeSources(clients: LogRocketRestClient[]): LogRocketRestSources {
  const adapters = [
    ...clients.map((c) => ({ ref: { id: c.sourceId, provider: 'LOGROCKET' }, close: async () => undefined })),
    { ref: { id: 'zendesk', provider: 'ZENDESK' }, close: async () => undefined },
  ] as unknown as SourceAdapter[];
  return new LogRocketRestSources(new SourceRegistry(adapters), new Map(clients.map((c) => [c.sourceId, c])));
}

/** A request scope of a tenant; a fresh object per GraphQL request, as in the server. */
export function scopeOf(tenant: TenantScope, requestId = 'req-test-1'): RequestScope {
  return { requestId, tenant, call: { deadline: Date.now() + 30_000 }, logger: silentLogger() };
}

/** An in-memory CacheStore whose clock is the test's. */
export function memoryCache(now: () => number = Date.now): CacheStore & { entries: Map<string, { value: unknown; until: number }> } {
  const entries = new Map<string, { value: unknown; until: number }>();
  return {
    kind: 'memory',
    entries,
    async get<T>(key: string) {
      const hit = entries.get(key);
      if (!hit || hit.until <= now()) return undefined;
      return structuredClone(hit.value) as T;
    },
    async set<T>(key: string, value: T, ttlMs: number) {
      entries.set(key, { value: structuredClone(value), until: now() + ttlMs });
    },
    async delete(key: string) {
      entries.delete(key);
    },
    async ping() {
      return true;
    },
    async close() {},
  };
}

/** Resolves after the current macrotask queue drained. */
export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
