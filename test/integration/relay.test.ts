import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createOperationDescriptor,
  Environment,
  fetchQuery,
  getFragment,
  getSelector,
  Network,
  RecordSource,
  Store,
  type ConcreteRequest,
  type GraphQLResponse,
  type ReaderFragment,
  type SingularReaderSelector,
} from 'relay-runtime';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { compileRelay, type RelayCompilation } from '../support/relay-compile';
import { expectedMerged, SOURCE_NAMES } from '../support/timeline';

interface TimelineEvents {
  auditEvents: {
    edges: { cursor: string; node: { id: string; nativeId: string; occurredAt: string; source: { name: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('relay-compiler on the Relay documents of docs/frontend.md', () => {
  it('compiles the feed against schema.graphql: @connection, @refetchable on Query and on a Node type, the pagination query', async () => {
    const started = Date.now();
    const compiled = await compileRelay();
    try {
      expect(compiled.artifacts).toEqual([
        'TimelinePaginationQuery.graphql.ts',
        'TimelineQuery.graphql.ts',
        'TimelineRowRefetchQuery.graphql.ts',
        'TimelineRow_event.graphql.ts',
        'Timeline_events.graphql.ts',
      ]);
      expect(Date.now() - started).toBeLessThan(15_000);
      const fragment = (await import(join(compiled.artifactDir, 'Timeline_events.graphql.ts'))).default as ReaderFragment;
      expect(fragment.metadata?.connection?.[0]).toMatchObject({ path: ['auditEvents'], direction: 'forward' });
      expect(fragment.metadata?.refetch).toMatchObject({ connection: { forward: { count: 'count', cursor: 'cursor' } } });
      const row = (await import(join(compiled.artifactDir, 'TimelineRow_event.graphql.ts'))).default as ReaderFragment;
      expect(row.metadata?.refetch).toMatchObject({ fragmentPathInResult: ['node'], identifierInfo: { identifierField: 'id' } });
    } finally {
      await rm(compiled.dir, { recursive: true, force: true });
    }
  });
});

describe('relay-runtime against a gateway, with the compiled artifacts', () => {
  let harness: Harness;
  let compiled: RelayCompilation;
  // ts-jest compiles the generated TypeScript artifacts on require, which an import cannot name.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const artifact = <T>(name: string): T => (require(join(compiled.artifactDir, `${name}.graphql.ts`)) as { default: T }).default;
  beforeAll(async () => {
    [harness, compiled] = await Promise.all([startHarness({ seed: 73, count: 60 }), compileRelay()]);
  });
  afterAll(async () => {
    await harness?.close();
    if (compiled) await rm(compiled.dir, { recursive: true, force: true });
  });

  function environment(): Environment {
    const network = Network.create(async (params, variables) => {
      const response = await fetch(harness.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
        body: JSON.stringify({ query: params.text, variables }),
      });
      return (await response.json()) as GraphQLResponse;
    });
    return new Environment({ network, store: new Store(new RecordSource()) });
  }

  it('pages the timeline to its end through the connection and the pagination query; every event arrives exactly once', async () => {
    const env = environment();
    const timelineQuery = artifact<ConcreteRequest>('TimelineQuery');
    const paginationQuery = artifact<ConcreteRequest>('TimelinePaginationQuery');
    const fragment = getFragment(artifact<ReaderFragment>('Timeline_events'));
    const operation = createOperationDescriptor(timelineQuery, { sources: null });
    const retained = env.retain(operation);
    try {
      const root = await fetchQuery(env, timelineQuery, { sources: null }).toPromise();
      const selector = getSelector(fragment, root as never) as SingularReaderSelector;
      const read = () => env.lookup(selector).data as unknown as TimelineEvents;
      let pages = 1;
      while (read().auditEvents.pageInfo.hasNextPage) {
        // What usePaginationFragment's loadNext sends: the refetchable query with count and cursor.
        await fetchQuery(env, paginationQuery, { sources: null, count: 25, cursor: read().auditEvents.pageInfo.endCursor }).toPromise();
        pages += 1;
        expect(pages).toBeLessThan(50);
      }
      const expected = expectedMerged(harness.sims, SOURCE_NAMES, 'NEWEST_FIRST').map((e) => `${e.sourceId}/${e.nativeId}`);
      const seen = read().auditEvents.edges.map(({ node }) => `${node.source.name}/${node.nativeId}`);
      expect(pages).toBe(Math.ceil(expected.length / 25));
      expect(seen).toEqual(expected);
      expect(new Set(read().auditEvents.edges.map(({ node }) => node.id)).size).toBe(expected.length);
    } finally {
      retained.dispose();
    }
  });

  it('refetches one event through node(id:) with the @refetchable Node fragment query', async () => {
    const env = environment();
    const first = await harness.gql<{ auditEvents: { edges: { node: { id: string } }[] } }>(
      '{ auditEvents(sources: ["zendesk"], first: 1) { edges { node { id } } } }',
    );
    const id = first.data!.auditEvents.edges[0].node.id;
    const refetched = (await fetchQuery(env, artifact<ConcreteRequest>('TimelineRowRefetchQuery'), { id }).toPromise()) as unknown as {
      node: object | null;
    };
    expect(refetched.node).not.toBeNull();
    const row = getSelector(getFragment(artifact<ReaderFragment>('TimelineRow_event')), refetched.node as never) as SingularReaderSelector;
    expect(env.lookup(row).data).toMatchObject({ id, action: expect.any(String), occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });
});
