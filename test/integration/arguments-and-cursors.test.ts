import { startHarness, KEYS, type Harness } from '../support/gateway-harness';

const Q = `query Q($sources: [String!], $order: AuditEventOrder, $first: Int, $after: String, $last: Int, $before: String, $filter: AuditEventFilter) {
  auditEvents(sources: $sources, order: $order, first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    edges { cursor node { nativeId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('argument and cursor errors', () => {
  let harness: Harness;
  let cursor: string;
  beforeAll(async () => {
    harness = await startHarness({ seed: 3, count: 120 });
    const page = await harness.gql(Q, { sources: ['zendesk'], first: 5 });
    cursor = page.data!.auditEvents.pageInfo.endCursor;
  });
  afterAll(() => harness.close());

  const code = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

  it.each([
    [{ first: 5, last: 5 }, /either `first`.*or `last`/],
    [{ first: -1 }, /non-negative/],
    [{ last: -3 }, /non-negative/],
    [{ first: 101 }, /at most 100/],
    [{ last: 500 }, /at most 100/],
    [{ first: 5, before: 'x' }, /`first` pages forward/],
    [{ last: 5, after: 'x' }, /`last` pages backward/],
  ])('rejects %j with BAD_USER_INPUT and says the rule', async (args, message) => {
    const response = await harness.gql(Q, { sources: ['zendesk'], ...args });
    expect(code(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(message);
  });

  it('makes no upstream call for a bad argument', async () => {
    harness.sims.zendesk.resetRequests();
    await harness.gql(Q, { sources: ['zendesk'], first: 1000 });
    expect(harness.sims.zendesk.requests).toHaveLength(0);
  });

  it('defaults to 20 and accepts 0', async () => {
    const page = await harness.gql(Q, { sources: ['nirvana'] });
    expect(page.data!.auditEvents.edges).toHaveLength(20);
    const empty = await harness.gql(Q, { sources: ['nirvana'], first: 0 });
    expect(empty.data!.auditEvents.edges).toHaveLength(0);
    expect(empty.data!.auditEvents.pageInfo.hasNextPage).toBe(true);
  });

  it('rejects an unknown source, and a source of another tenant, the same way', async () => {
    const unknown = await harness.gql(Q, { sources: ['nope'] }, KEYS.beta);
    const hidden = await harness.gql(Q, { sources: ['losant'] }, KEYS.beta);
    expect(code(unknown)).toBe('BAD_USER_INPUT');
    expect(code(hidden)).toBe('BAD_USER_INPUT');
    expect(hidden.errors![0].message.replace('losant', 'X')).toBe(unknown.errors![0].message.replace('nope', 'X'));
  });

  it('rejects an empty filter list and an inverted time range', async () => {
    expect(code(await harness.gql(Q, { sources: ['zendesk'], filter: { actions: [] } }))).toBe('BAD_USER_INPUT');
    const inverted = await harness.gql(Q, {
      sources: ['zendesk'],
      filter: { occurredAfter: '2024-02-01T00:00:00Z', occurredBefore: '2024-01-01T00:00:00Z' },
    });
    expect(code(inverted)).toBe('BAD_USER_INPUT');
    expect(code(await harness.gql(Q, { sources: ['zendesk'], filter: { occurredAfter: 'yesterday' } }))).toBe('BAD_USER_INPUT');
  });

  it('accepts its own cursor in both directions', async () => {
    const forward = await harness.gql(Q, { sources: ['zendesk'], first: 5, after: cursor });
    const backward = await harness.gql(Q, { sources: ['zendesk'], last: 5, before: cursor });
    expect(forward.errors).toBeUndefined();
    expect(backward.errors).toBeUndefined();
    expect(backward.data!.auditEvents.edges).toHaveLength(4);
    expect(backward.data!.auditEvents.pageInfo.hasPreviousPage).toBe(false);
  });

  it.each([
    [
      'altered',
      () => ({ sources: ['zendesk'], first: 5, after: cursor.slice(0, 10) + (cursor[10] === 'A' ? 'B' : 'A') + cursor.slice(11) }),
    ],
    [
      'forged',
      () => ({
        sources: ['zendesk'],
        first: 5,
        after: `${Buffer.from('{"b":"x","k":null}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`,
      }),
    ],
    ['garbage', () => ({ sources: ['zendesk'], first: 5, after: 'not a cursor' })],
    ['used with another order', () => ({ sources: ['zendesk'], order: 'OLDEST_FIRST', first: 5, after: cursor })],
    ['used with another filter', () => ({ sources: ['zendesk'], first: 5, after: cursor, filter: { actions: ['login'] } })],
    ['used with other sources', () => ({ sources: ['nirvana'], first: 5, after: cursor })],
  ])('rejects a cursor that was %s with INVALID_CURSOR', async (_name, variables) => {
    const response = await harness.gql(Q, variables());
    expect(response.status).toBe(200);
    expect(code(response)).toBe('INVALID_CURSOR');
    expect(response.data).toBeNull();
  });

  it("rejects another tenant's cursor", async () => {
    const betaPage = await harness.gql(Q, { sources: ['zendesk'], first: 5 }, KEYS.beta);
    const stolen = betaPage.data!.auditEvents.pageInfo.endCursor;
    expect(code(await harness.gql(Q, { sources: ['zendesk'], first: 5, after: stolen }, KEYS.acme))).toBe('INVALID_CURSOR');
    expect(code(await harness.gql(Q, { sources: ['zendesk'], first: 5, after: stolen }, KEYS.beta))).toBeUndefined();
  });
});
