import { composeServices } from '@apollo/composition';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'graphql';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';

/** A second, tiny subgraph: reviews of audit events, which extends `AuditEvent` with `reviewedBy`. */
const REVIEWS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type AuditEvent @key(fields: "id") {
    id: ID!
    reviewedBy: String
  }

  type Review {
    reviewer: String!
    note: String!
    auditEvent: AuditEvent
  }

  type Query {
    reviews: [Review!]!
  }
`;

interface ReviewRecord {
  eventId: string;
  reviewer: string;
  note: string;
}

async function startReviewsSubgraph(reviews: ReviewRecord[]) {
  const schema = buildSubgraphSchema({
    typeDefs: parse(REVIEWS_SDL),
    resolvers: {
      Query: { reviews: () => reviews },
      Review: { auditEvent: (review: ReviewRecord) => ({ __typename: 'AuditEvent', id: review.eventId }) },
      AuditEvent: {
        __resolveReference: (reference: { id: string }) => ({
          id: reference.id,
          reviewedBy: reviews.find((r) => r.eventId === reference.id)?.reviewer ?? null,
        }),
      },
    } as never,
  });
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

/** An Apollo Gateway over both subgraphs that forwards the caller's key to them. */
async function startRouter(subgraphs: { name: string; url: string }[]) {
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({ subgraphs, introspectionHeaders: { authorization: `Bearer ${KEYS.acme}` } }),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<{ authorization?: string }>({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
  const router = new ApolloServer<{ authorization?: string }>({ gateway: gateway as never });
  const { url } = await startStandaloneServer(router, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  const query = async (document: string, key: string = KEYS.acme) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: document }),
    });
    return (await response.json()) as { data?: any; errors?: any[] };
  };
  return { query, stop: () => router.stop() };
}

describe('auditgraph as an Apollo Federation 2 subgraph', () => {
  let harness: Harness;
  let sdl: string;
  const reviews: ReviewRecord[] = [];
  let reviewsSubgraph: Awaited<ReturnType<typeof startReviewsSubgraph>>;
  let router: Awaited<ReturnType<typeof startRouter>>;
  let events: { id: string; action: string; source: { name: string } }[];
  let reviewed: typeof events;

  beforeAll(async () => {
    harness = await startHarness({ seed: 61, count: 60 });
    const served = await harness.gql('{ _service { sdl } }');
    sdl = served.data!._service.sdl;
    const page = await harness.gql(
      '{ auditEvents(sources: ["zendesk", "losant"], first: 6, order: OLDEST_FIRST) { edges { node { id action source { name } } } } }',
    );
    events = page.data!.auditEvents.edges.map((e: any) => e.node);
    // One reviewed event of each source, so that a tenant reading only Zendesk sees one of them.
    reviewed = [events.find((e) => e.source.name === 'zendesk')!, events.find((e) => e.source.name === 'losant')!];
    reviews.push(
      { eventId: reviewed[0].id, reviewer: 'ana@example.com', note: 'expected' },
      { eventId: reviewed[1].id, reviewer: 'raj@example.com', note: 'ask the owner' },
    );
    reviewsSubgraph = await startReviewsSubgraph(reviews);
    router = await startRouter([
      { name: 'auditgraph', url: harness.url },
      { name: 'reviews', url: reviewsSubgraph.url },
    ]);
  });
  afterAll(async () => {
    await router?.stop();
    await reviewsSubgraph?.stop();
    await harness?.close();
  });

  it('serves over HTTP exactly the SDL committed as schema.subgraph.graphql, with the entities keyed by id', async () => {
    const committed = await readFile(join(__dirname, '..', '..', 'schema.subgraph.graphql'), 'utf8');
    expect(`${sdl}\n`).toBe(committed);
    for (const type of ['AuditEvent', 'User', 'Source']) {
      expect(sdl).toMatch(new RegExp(`type ${type} implements Node\\s+@key\\(fields: "id"\\)`));
    }
  });

  it('composes with another subgraph that extends AuditEvent', () => {
    const result = composeServices([
      { name: 'auditgraph', typeDefs: parse(sdl), url: harness.url },
      { name: 'reviews', typeDefs: parse(REVIEWS_SDL), url: 'http://127.0.0.1:1/graphql' },
    ]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toMatch(/reviewedBy: String @join__field\(graph: REVIEWS\)/);
  });

  it('answers through a gateway a query that needs both subgraphs, in both directions', async () => {
    const forward = await router.query(`{
      auditEvents(sources: ["zendesk", "losant"], first: 6, order: OLDEST_FIRST) { edges { node { id action reviewedBy } } }
    }`);
    expect(forward.errors).toBeUndefined();
    expect(forward.data.auditEvents.edges.map((e: any) => e.node)).toEqual(
      events.map((event) => ({
        id: event.id,
        action: event.action,
        reviewedBy: reviews.find((r) => r.eventId === event.id)?.reviewer ?? null,
      })),
    );

    // The other way round: the reviews subgraph hands out references that auditgraph resolves (`_entities`).
    const backward = await router.query('{ reviews { reviewer auditEvent { id action source { name provider } } } }');
    expect(backward.errors).toBeUndefined();
    expect(backward.data.reviews).toEqual([
      {
        reviewer: 'ana@example.com',
        auditEvent: { id: reviewed[0].id, action: reviewed[0].action, source: { name: 'zendesk', provider: 'ZENDESK' } },
      },
      {
        reviewer: 'raj@example.com',
        auditEvent: { id: reviewed[1].id, action: reviewed[1].action, source: { name: 'losant', provider: 'LOSANT' } },
      },
    ]);
  });

  it("resolves entity references under the caller's own grants", async () => {
    const response = await router.query('{ reviews { reviewer auditEvent { id action } } }', KEYS.beta);
    expect(response.errors).toBeUndefined();
    // beta reads only Zendesk: the Losant event does not exist for it.
    expect(response.data.reviews).toEqual([
      { reviewer: 'ana@example.com', auditEvent: { id: reviewed[0].id, action: reviewed[0].action } },
      { reviewer: 'raj@example.com', auditEvent: null },
    ]);
  });

  it('answers _entities directly: in order, null for a wrong type, an unknown id or a source the tenant may not read', async () => {
    const losant = events.find((e) => e.source.name === 'losant')!;
    const zendesk = events.find((e) => e.source.name === 'zendesk')!;
    const representations = [
      { __typename: 'AuditEvent', id: losant.id },
      { __typename: 'User', id: losant.id },
      { __typename: 'AuditEvent', id: 'bm90LW91cnM' },
      { __typename: 'AuditEvent', id: zendesk.id },
    ];
    const query = `query E($r: [_Any!]!) { _entities(representations: $r) { __typename ... on AuditEvent { id action } } }`;
    const acme = await harness.gql(query, { r: representations });
    expect(acme.errors).toBeUndefined();
    expect(acme.data!._entities).toEqual([
      { __typename: 'AuditEvent', id: losant.id, action: losant.action },
      null,
      null,
      { __typename: 'AuditEvent', id: zendesk.id, action: zendesk.action },
    ]);
    const beta = await harness.gql(query, { r: representations }, KEYS.beta);
    expect(beta.data!._entities).toEqual([null, null, null, { __typename: 'AuditEvent', id: zendesk.id, action: zendesk.action }]);
  });
});
