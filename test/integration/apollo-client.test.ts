import { ApolloClient, HttpLink, InMemoryCache, gql, split, type TypedDocumentNode } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { createHash } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { filter, map } from 'rxjs/operators';
import { persistedQueryKey } from '../../src/datasources/cache/persisted-query-cache';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { expectedMerged, SOURCE_NAMES } from '../support/timeline';

interface TimelineData {
  auditEvents: {
    edges: { cursor: string; node: { __typename: 'AuditEvent'; id: string; nativeId: string; source: { name: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const TIMELINE: TypedDocumentNode<TimelineData, { first: number; after?: string | null }> = gql`
  query Timeline($first: Int!, $after: String) {
    auditEvents(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          nativeId
          occurredAt
          action
          source {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** The type policy docs/frontend.md recommends: every argument but the paging ones names a timeline. */
function timelineCache() {
  return new InMemoryCache({
    typePolicies: { Query: { fields: { auditEvents: relayStylePagination(['sources', 'filter', 'order', 'onSourceError']) } } },
  });
}

/** Node's own fetch against the loopback gateway, recording each request body. */
function recordingFetch(bodies: Record<string, any>[]): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body));
    return fetch(input, init);
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('Apollo Client against auditgraph', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 71, count: 60 });
  });
  afterAll(() => harness.close());

  it('pages a merged timeline to its end with fetchMore and relayStylePagination; the cache holds every event exactly once', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: harness.url, fetch, headers: { authorization: `Bearer ${KEYS.acme}` } }),
      cache: timelineCache(),
    });
    const query = client.watchQuery({ query: TIMELINE, variables: { first: 25 } });
    // The merged list reaches the watcher just after fetchMore resolves: wait for the new end.
    const pageAfter = (endCursor: string | null): Promise<TimelineData> =>
      firstValueFrom(
        query.pipe(
          filter((r) => r.dataState === 'complete' && r.data.auditEvents.pageInfo.endCursor !== endCursor),
          map((r) => r.data as TimelineData),
        ),
      );
    const subscription = query.subscribe(() => undefined);
    try {
      let result = await pageAfter(null);
      let pages = 1;
      while (result.auditEvents.pageInfo.hasNextPage) {
        const after = result.auditEvents.pageInfo.endCursor;
        const next = pageAfter(after);
        await query.fetchMore({ variables: { after } });
        result = await next;
        pages += 1;
        expect(pages).toBeLessThan(50);
      }
      const expected = expectedMerged(harness.sims, SOURCE_NAMES, 'NEWEST_FIRST').map((e) => `${e.sourceId}/${e.nativeId}`);
      expect(pages).toBe(Math.ceil(expected.length / 25));

      // What the component sees: the whole timeline once, in order.
      const seen = result.auditEvents.edges.map((edge) => `${edge.node.source.name}/${edge.node.nativeId}`);
      expect(seen).toEqual(expected);

      // What the cache holds: one normalised AuditEvent per event, and the same list when read back.
      const cached = client.cache.extract() as Record<string, unknown>;
      const auditEventKeys = Object.keys(cached).filter((key) => key.startsWith('AuditEvent:'));
      expect(auditEventKeys).toHaveLength(expected.length);
      expect(Object.keys(cached).filter((key) => key.startsWith('Source:'))).toHaveLength(4);
      const readBack = client.readQuery({ query: TIMELINE, variables: { first: 25 } });
      const ids = readBack!.auditEvents.edges.map((edge) => edge.node.id);
      expect(new Set(ids).size).toBe(expected.length);
      expect(readBack!.auditEvents.pageInfo.hasNextPage).toBe(false);
    } finally {
      subscription.unsubscribe();
      client.stop();
    }
  });

  it('uses automatic persisted queries: a known hash is answered without the query, from the shared cache store', async () => {
    const clientWith = (bodies: Record<string, any>[]) =>
      new ApolloClient({
        link: new PersistedQueryLink({ sha256 }).concat(
          new HttpLink({ uri: harness.url, fetch: recordingFetch(bodies), headers: { authorization: `Bearer ${KEYS.acme}` } }),
        ),
        cache: timelineCache(),
      });

    const first: Record<string, any>[] = [];
    const registered = await clientWith(first).query({ query: TIMELINE, variables: { first: 3 } });
    expect(registered.data!.auditEvents.edges).toHaveLength(3);
    // The hash alone (unknown yet), then hash and query, which registers it.
    expect(first).toHaveLength(2);
    const [hashOnly, withQuery] = first;
    const hash: string = hashOnly.extensions.persistedQuery.sha256Hash;
    expect(hashOnly.query).toBeUndefined();
    expect(withQuery.extensions.persistedQuery.sha256Hash).toBe(hash);
    expect(sha256(withQuery.query)).toBe(hash);
    expect(await harness.gateway.cache.get(persistedQueryKey('acme', hash))).toBe(withQuery.query);

    const second: Record<string, any>[] = [];
    const hit = await clientWith(second).query({ query: TIMELINE, variables: { first: 3 } });
    // Same events (cursors may differ: LogRocket's newest-first windows start from the clock).
    expect(hit.data!.auditEvents.edges.map((e) => e.node.id)).toEqual(registered.data!.auditEvents.edges.map((e) => e.node.id));
    expect(second).toHaveLength(1);
    expect(second[0].query).toBeUndefined();
  });
});

describe('Apollo Client live tail (GraphQLWsLink, split link)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 72, count: 40, live: { pollIntervalMs: 250 } });
  });
  afterAll(() => harness.close());

  it("receives new events through client.subscribe, what useSubscription runs on, with the docs' link set-up", async () => {
    const wsClient = createWsClient({
      url: harness.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${KEYS.acme}` },
      retryAttempts: 0,
    });
    const http = new HttpLink({ uri: harness.url, fetch, headers: { authorization: `Bearer ${KEYS.acme}` } });
    const link = split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      },
      new GraphQLWsLink(wsClient),
      http,
    );
    const client = new ApolloClient({ link, cache: timelineCache() });
    const LIVE_TAIL = gql`
      subscription LiveTail($sources: [String!]) {
        auditEventAdded(sources: $sources) {
          cursor
          node {
            id
            nativeId
            occurredAt
            source {
              name
            }
          }
        }
      }
    `;
    const received: string[] = [];
    const subscription = client.subscribe({ query: LIVE_TAIL, variables: { sources: ['zendesk'] } }).subscribe({
      next: (result) => {
        const edge = (result.data as { auditEventAdded?: { node: { nativeId: string } } } | undefined)?.auditEventAdded;
        if (edge) received.push(edge.node.nativeId);
      },
    });
    try {
      const until = Date.now() + 5_000;
      while (harness.gateway.liveTail.subscriptionCount === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const added = harness.sims.zendesk.insert(2).map((r) => String((r as { id: unknown }).id));
      while (received.length < 2 && Date.now() < until + 5_000) await new Promise((r) => setTimeout(r, 20));
      expect(received.sort()).toEqual(added.sort());
      // Queries still go over HTTP through the same client.
      const page = await client.query({ query: TIMELINE, variables: { first: 1 } });
      expect(page.data?.auditEvents.edges).toHaveLength(1);
    } finally {
      subscription.unsubscribe();
      await wsClient.dispose();
    }
  });
});

describe('automatic persisted queries on Redis', () => {
  let redis: TestRedis | null = null;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis?.stop());

  it('registers a query on one instance and serves its hash from another', async () => {
    if (!redis) return;
    const a = await startHarness({ seed: 72, count: 20, cacheUrl: redis.url });
    const b = await startHarness({ sims: a.sims, cacheUrl: redis.url });
    try {
      const query = '{ sources { name } }';
      const persistedQuery = { version: 1, sha256Hash: sha256(query) };
      const post = (url: string, body: unknown) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.beta}` },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<any>);
      expect((await post(b.url, { extensions: { persistedQuery } })).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(await post(a.url, { query, extensions: { persistedQuery } })).toEqual({ data: { sources: [{ name: 'zendesk' }] } });
      // Apollo stores a registered query without awaiting the store (after answering): poll briefly.
      let served = await post(b.url, { extensions: { persistedQuery } });
      for (let tries = 0; served.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND' && tries < 40; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        served = await post(b.url, { extensions: { persistedQuery } });
      }
      expect(served).toEqual({ data: { sources: [{ name: 'zendesk' }] } });
    } finally {
      await b.close();
      await a.close();
    }
  });
});
