import { ApolloServer } from '@apollo/server';
import { createHash } from 'node:crypto';
import type { CacheStore } from '../../../../src/datasources/cache/cache-store';
import {
  createTenantPersistedQueries,
  persistedQueryKey,
  PERSISTED_QUERY_TTL_MS,
} from '../../../../src/datasources/cache/persisted-query-cache';

function recordingStore() {
  const entries = new Map<string, { value: unknown; ttlMs: number }>();
  const reads: string[] = [];
  const store: CacheStore = {
    kind: 'memory',
    get: async <T>(key: string) => {
      reads.push(key);
      return entries.get(key)?.value as T | undefined;
    },
    set: async (key, value, ttlMs) => void entries.set(key, { value, ttlMs }),
    delete: async (key) => void entries.delete(key),
    ping: async () => true,
    close: async () => undefined,
  };
  return { store, entries, reads };
}

interface TenantContext {
  tenant: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const QUERY = '{ hello }';

/** A real Apollo Server (its own APQ protocol) with the tenant-scoped persisted queries. */
async function serverOver(store: CacheStore, options: { maxBytes?: number } = {}) {
  const persisted = createTenantPersistedQueries<TenantContext>(store, { tenantOf: (context) => context.tenant, ...options });
  const server = new ApolloServer<TenantContext>({
    typeDefs: 'type Query { hello: String }',
    resolvers: { Query: { hello: () => 'world' } },
    plugins: [persisted.plugin],
    persistedQueries: { cache: persisted.cache },
  });
  await server.start();
  const run = async (tenant: string, request: { query?: string; hash?: string; version?: number }) => {
    const response = await server.executeOperation(
      {
        query: request.query,
        extensions: { persistedQuery: { version: request.version ?? 1, sha256Hash: request.hash ?? sha256(request.query ?? '') } },
      },
      { contextValue: { tenant } },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  };
  return { server, run };
}

describe('persisted queries per tenant', () => {
  it('registers a document under its tenant, for 24 h, and serves the hash alone to that tenant only', async () => {
    const { store, entries } = recordingStore();
    const { server, run } = await serverOver(store);
    try {
      const hash = sha256(QUERY);
      expect((await run('alpha', { hash })).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await run('alpha', { query: QUERY })).data).toEqual({ hello: 'world' });
      expect(entries.get(persistedQueryKey('alpha', hash))).toEqual({ value: QUERY, ttlMs: PERSISTED_QUERY_TTL_MS });
      expect((await run('alpha', { hash })).data).toEqual({ hello: 'world' });
      const beta = await run('beta', { hash });
      expect(beta.data).toBeUndefined();
      expect(beta.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect([...entries.keys()]).toEqual([`apq:alpha:${hash}`]);
    } finally {
      await server.stop();
    }
  });

  it("encodes the tenant, so that it is the key's second part whatever its characters", () => {
    expect(persistedQueryKey('a:b c', 'f'.repeat(64))).toBe(`apq:a%3Ab%20c:${'f'.repeat(64)}`);
  });

  it("leaves the protocol's refusals to Apollo and never builds a key from something that is not a hash", async () => {
    const { store, entries, reads } = recordingStore();
    const { server, run } = await serverOver(store);
    try {
      const mismatch = await run('alpha', { query: QUERY, hash: sha256('{ other }') });
      expect(mismatch.errors?.[0].message).toMatch(/sha/);
      expect((await run('alpha', { query: QUERY, version: 2 })).errors?.[0].message).toMatch(/version/);
      expect((await run('alpha', { hash: 'x:y' })).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      // A document that does not validate is not registered, as with Apollo's own store.
      expect((await run('alpha', { query: '{ nope }' })).errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(entries.size).toBe(0);
      expect(reads).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('does not keep an oversized document, and ignores anything but a string read back', async () => {
    const { store, entries } = recordingStore();
    const { server, run } = await serverOver(store, { maxBytes: 100 });
    try {
      const big = `{ hello ${'# pad\n'.repeat(30)}}`;
      expect((await run('alpha', { query: big })).data).toEqual({ hello: 'world' });
      expect(entries.size).toBe(0);
      entries.set(persistedQueryKey('alpha', sha256(QUERY)), { value: { not: 'a string' }, ttlMs: 1 });
      expect((await run('alpha', { hash: sha256(QUERY) })).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    } finally {
      await server.stop();
    }
  });
});
