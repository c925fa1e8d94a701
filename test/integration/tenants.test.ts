import { startHarness, KEYS, type Harness } from '../support/gateway-harness';

describe('tenants and authentication', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 4, count: 60 });
  });
  afterAll(() => harness.close());

  it.each([
    ['no key', null],
    ['an unknown key', 'wrong-key'],
  ])('answers 401 UNAUTHENTICATED to %s and calls no provider', async (_name, key) => {
    harness.sims.zendesk.resetRequests();
    const response = await harness.gql('{ sources { name } }', {}, key);
    expect(response.status).toBe(401);
    expect(response.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(response.data).toBeUndefined();
    expect(harness.sims.zendesk.requests).toHaveLength(0);
  });

  it('shows a tenant only its granted sources', async () => {
    const acme = await harness.gql('{ sources { name provider } }');
    const beta = await harness.gql('{ sources { name provider } }', {}, KEYS.beta);
    expect(acme.data!.sources.map((s: { name: string }) => s.name)).toEqual(['logrocket', 'zendesk', 'losant', 'nirvana']);
    expect(beta.data!.sources).toEqual([{ name: 'zendesk', provider: 'ZENDESK' }]);
  });

  it('defaults auditEvents to the granted sources', async () => {
    const beta = await harness.gql('{ auditEvents(first: 3) { edges { node { source { name } } } } }', {}, KEYS.beta);
    expect(beta.errors).toBeUndefined();
    expect(beta.data!.auditEvents.edges.map((e: any) => e.node.source.name)).toEqual(['zendesk', 'zendesk', 'zendesk']);
  });

  it('answers node lookups of ungranted sources with null, like ids that do not exist', async () => {
    const page = await harness.gql('{ auditEvents(sources: ["losant"], first: 1) { edges { node { id source { id } } } } }');
    const eventId = page.data!.auditEvents.edges[0].node.id;
    const sourceId = page.data!.auditEvents.edges[0].node.source.id;
    const q = 'query N($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const asAcme = await harness.gql(q, { ids: [eventId, sourceId, 'bm90LWFuLWlk'] });
    expect(asAcme.data!.nodes).toEqual([{ id: eventId }, { id: sourceId }, null]);
    const asBeta = await harness.gql(q, { ids: [eventId, sourceId, 'bm90LWFuLWlk'] }, KEYS.beta);
    expect(asBeta.data!.nodes).toEqual([null, null, null]);
  });
});
