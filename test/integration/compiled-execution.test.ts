import { getIntrospectionQuery } from 'graphql';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';

/**
 * Raw POST, so that whole response bodies (errors, their codes and paths included) can be
 * compared; cursors are blanked.
 */
async function post(harness: Harness, body: object, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(harness.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const EVERY_FIELD = `
  fragment Event on AuditEvent {
    id source { id name provider } nativeId occurredAt action description
    actor { id name email type } target { id type name } ipAddress userAgent request { method path statusCode } raw
  }`;

/** Documents whose answers must not change when they run compiled: data, partial data and errors. */
const CASES: { name: string; body: object }[] = [
  {
    name: 'a merged page with every field and its count',
    body: {
      query: `query P($first: Int!) { auditEvents(first: $first, sources: ["nirvana", "losant", "zendesk"]) {
        edges { cursor node { ...Event } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } } ${EVERY_FIELD}`,
      variables: { first: 7 },
    },
  },
  {
    name: '@skip and @include, on fields and on fragment spreads',
    body: {
      query: `query S($with: Boolean!, $without: Boolean!) { auditEvents(first: 3, sources: ["nirvana"]) {
        totalCount @include(if: $without) edges { cursor @skip(if: $with) node { ...Event @include(if: $with) ... on AuditEvent @skip(if: $with) { action } } } } } ${EVERY_FIELD}`,
      variables: { with: true, without: false },
    },
  },
  {
    name: 'a bad cursor (BAD_USER_INPUT from a resolver)',
    body: { query: '{ auditEvents(first: 2, after: "not-a-cursor") { edges { cursor } } }' },
  },
  { name: 'an unknown source', body: { query: '{ auditEvents(first: 2, sources: ["nope"]) { edges { cursor } } }' } },
  {
    name: 'a variable of the wrong type',
    body: { query: 'query V($first: Int!) { auditEvents(first: $first) { edges { cursor } } }', variables: { first: 'ten' } },
  },
  {
    name: 'a missing required variable',
    body: { query: 'query V($first: Int!) { auditEvents(first: $first) { edges { cursor } } }', variables: {} },
  },
  {
    name: 'nodes through the Node interface, unknown ids as null',
    body: {
      query: `query N($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on AuditEvent { action source { name } } ... on Source { name provider } } }`,
      variables: { ids: ['bm90LW91cnM', 'WyJTb3VyY2UiLCJuaXJ2YW5hIl0'] },
    },
  },
  {
    name: 'federation _entities',
    body: {
      query: 'query E($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Source { name } } }',
      variables: {
        r: [
          { __typename: 'Source', id: 'WyJTb3VyY2UiLCJuaXJ2YW5hIl0' },
          { __typename: 'Source', id: 'x' },
        ],
      },
    },
  },
  {
    name: 'two operations, one chosen by name',
    body: { query: 'query A { sources { name } } query B { sources { provider } }', operationName: 'B' },
  },
];

describe('compiled execution (graphql-jit) of repeated documents', () => {
  let harness: Harness;
  const compilations: string[] = [];
  beforeAll(async () => {
    harness = await startHarness({
      seed: 61,
      count: 200,
      gateway: { jit: { compileAfter: 2, onCompile: (outcome) => compilations.push(outcome) } },
    });
  });
  afterAll(() => harness.close());

  it.each(CASES.map((c) => [c.name, c.body] as const))("%s: the compiled answer is graphql-js's, byte for byte", async (_name, body) => {
    const before = compilations.length;
    const first = await post(harness, body);
    const second = await post(harness, body);
    const third = await post(harness, body);
    // The first request ran on graphql-js; the second compiled the document, the third reused it.
    expect(compilations.length).toBeLessThanOrEqual(before + 1);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });

  it('compiles documents that are sent again, and none of a flood of one-off documents', async () => {
    const before = compilations.length;
    for (let i = 0; i < 50; i++) await post(harness, { query: `{ sources { name } a${i}: sources { id } }` });
    expect(compilations.length).toBe(before);
    const repeated = { query: '{ sources { name provider } }' };
    await post(harness, repeated);
    await post(harness, repeated);
    expect(compilations.slice(before)).toEqual(['compiled']);
  });

  it('a router asking for a federated trace gets one with per-field timings, compiled document or not', async () => {
    const body = { query: '{ sources { name provider } }' };
    for (let i = 0; i < 3; i++) await post(harness, body);
    const traced = await post(harness, body, { 'apollo-federation-include-trace': 'ftv1' });
    const ftv1 = (JSON.parse(traced.text) as { extensions?: { ftv1?: string } }).extensions?.ftv1;
    expect(typeof ftv1).toBe('string');
    // The trace is protobuf; each resolved field leaves its response name in it.
    expect(Buffer.from(ftv1!, 'base64').toString('latin1')).toContain('provider');
  });
});

describe('compiled execution of introspection (what Apollo Sandbox polls)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 62, count: 10, server: { introspection: true }, gateway: { jit: { compileAfter: 2 } } });
  });
  afterAll(() => harness.close());

  it('answers the full introspection query compiled exactly as graphql-js does', async () => {
    const body = {
      query: getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      }),
    };
    const first = await post(harness, body);
    expect(first.text).toContain('"auditEvents"');
    expect(await post(harness, body)).toEqual(first);
    expect(await post(harness, body)).toEqual(first);
  });
});
