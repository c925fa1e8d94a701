import { KEYS, startHarness, type Harness } from '../support/gateway-harness';

const SOURCES = ['logrocket', 'zendesk', 'losant', 'nirvana'] as const;
const FIELDS = 'nativeId occurredAt action description ipAddress userAgent actor { id name email type } target { id type name }';

describe('operation limits, enforced before any upstream call', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 71, count: 30, limits: { maxDepth: 4 } });
  });
  afterAll(() => harness.close());
  beforeEach(() => SOURCES.forEach((s) => harness.sims[s].resetRequests()));
  afterEach(() => {
    for (const s of SOURCES) expect(harness.sims[s].requests).toHaveLength(0);
  });

  const rejected = async (query: string, variables?: Record<string, unknown>) => {
    const response = await harness.gql(query, variables);
    // The caller's mistake, refused before anything ran: 400, never a 5xx.
    expect(response.status).toBe(400);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.length).toBeGreaterThan(0);
    return response.errors![0];
  };

  it('limits depth, also through fragments', async () => {
    // auditEvents > edges > node > actor > name is depth 5; the limit here is 4.
    expect((await harness.gql('{ auditEvents(first: 1) { edges { node { action } } } }')).errors).toBeUndefined();
    SOURCES.forEach((s) => harness.sims[s].resetRequests());
    expect((await rejected('{ auditEvents { edges { node { actor { name } } } } }')).message).toMatch(/depth/i);
    await rejected('query { auditEvents { ...E } } fragment E on AuditEventConnection { edges { node { actor { name } } } }');
  });

  it('is not fooled by a fragment named __schema', async () => {
    const error = await rejected('{ auditEvents { edges { node { ...__schema } } } } fragment __schema on AuditEvent { actor { name } }');
    expect(error.message).toMatch(/depth/i);
  });

  it('counts a fragment reused deeper than where it was first seen', async () => {
    await rejected('query { a: sources { ...S } b: auditEvents { edges { node { source { ...S } } } } } fragment S on Source { name }');
  });

  it('limits aliases, directives and tokens', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `s${i}: sources { name }`).join(' ');
    expect((await rejected(`{ ${aliases} }`)).message).toMatch(/alias/i);
    const directives = Array.from({ length: 21 }, () => '@include(if: true)').join(' ');
    expect((await rejected(`{ sources ${directives} { name } }`)).message).toMatch(/directive/i);
    const tokens = Array.from({ length: 2100 }, () => 'name').join(' ');
    const tooLong = await rejected(`{ sources { ${tokens} } }`);
    expect(tooLong.message).toMatch(/more than 2000 tokens/);
    expect(tooLong.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers syntax errors, unknown fields and unknown operations with 400', async () => {
    expect((await rejected('{ sources { name ')).extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect((await rejected('{ sources { nope } }')).extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unknown = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
      body: JSON.stringify({ query: 'query A { sources { name } }', operationName: 'B' }),
    });
    expect(unknown.status).toBe(400);
  });

  it('limits root fields', async () => {
    const roots = Array.from({ length: 11 }, (_, i) => `s${i}: sources { name }`).join(' ');
    expect((await rejected(`{ ${roots} }`)).message).toMatch(/11 root fields; the limit is 10/);
  });

  it('limits `_entities` to 100 representations an operation, as `nodes` takes 100 ids', async () => {
    const representations = Array.from({ length: 101 }, (_, i) => ({ __typename: 'AuditEvent', id: `QXVkaXRFdmVudDp6ZW5kZXNrOjE${i}` }));
    const error = await rejected('query E($r: [_Any!]!) { _entities(representations: $r) { ... on AuditEvent { action } } }', {
      r: representations,
    });
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(error.message).toMatch(/101 representations; the limit is 100 per operation/);
  });
});

describe('operation limits that let normal queries through', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 72, count: 30 });
  });
  afterAll(() => harness.close());

  it('accepts a full page of 100 events with every field, and small pages passed as variables', async () => {
    const full = await harness.gql(
      `{ auditEvents(sources: ["losant"], first: 100) { edges { cursor node { id ${FIELDS} source { name provider } request { method path statusCode } raw } } pageInfo { hasNextPage endCursor } totalCount } }`,
    );
    expect(full.errors).toBeUndefined();
    const small = await harness.gql(
      `query Q($n: Int) { a: auditEvents(sources: ["zendesk"], first: $n) { edges { node { ${FIELDS} } } } b: auditEvents(sources: ["nirvana"], first: $n) { edges { node { ${FIELDS} } } } }`,
      { n: 10 },
    );
    expect(small.errors).toBeUndefined();
  });

  it('refuses request bodies over 1 MB and batched requests', async () => {
    const huge = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
      body: JSON.stringify({ query: '{ sources { name } }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(huge.status).toBe(413);
    const batch = await fetch(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
      body: JSON.stringify([{ query: '{ sources { name } }' }, { query: '{ sources { name } }' }]),
    });
    expect(batch.status).toBe(400);
  });

  it('prices what an operation costs upstream, variables included, and refuses attacker shapes with 400 before any upstream call', async () => {
    SOURCES.forEach((s) => harness.sims[s].resetRequests());
    harness.upstream.clear();
    const refused = async (query: string, variables: Record<string, unknown>) => {
      const response = await harness.gql(query, variables);
      expect(response.status).toBe(400);
      expect(response.data ?? null).toBeNull();
      expect(response.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
      expect(response.errors![0].message).toMatch(/would cost \d+ upstream requests \(limit 1000\)/);
      return response.errors![0].message;
    };
    // Federation lookups past what `nodes` would take, counted from the variables.
    const representations = Array.from({ length: 5001 }, (_, i) => ({ __typename: 'AuditEvent', id: `QXVkaXRFdmVudDp6ZW5kZXNrOjE${i}` }));
    expect(
      await refused('query E($r: [_Any!]!) { _entities(representations: $r) { ... on AuditEvent { action } } }', { r: representations }),
    ).toMatch(/cost 5001 /);
    // Ten aliased batches of 500 users: 5,000 upserts in one request.
    const users = Array.from({ length: 500 }, (_, i) => ({ userId: `attacker-${i}` }));
    const tenBatches = Array.from({ length: 10 }, (_, i) => `b${i}: upsertUsers(inputs: $in) { user { userId } }`).join(' ');
    expect(await refused(`mutation U($in: [UpsertUserInput!]!) { ${tenBatches} }`, { in: users })).toMatch(/cost 5000 /);
    // A page size hidden in a variable, and highlights nested under every looked-up user.
    await refused('query Q($n: Int = 10) { auditEvents(first: $n) { totalCount } }', { n: 100_000 });
    await refused(
      'query N($r: [_Any!]!) { _entities(representations: $r) { ... on User { a: highlights { status } b: highlights(question: "why") { status } } } }',
      {
        r: users.slice(0, 400).map(({ userId }) => ({ __typename: 'User', id: userId })),
      },
    );
    for (const s of SOURCES) expect(harness.sims[s].requests).toHaveLength(0);
    expect(harness.upstream.size).toBe(0);
    // Ten full pages of every source with every field are ordinary reading: 10 × (4 × 2 + 4) = 120.
    const tenPages = Array.from(
      { length: 10 },
      (_, i) => `p${i}: auditEvents(first: 100) { totalCount edges { cursor node { id ${FIELDS} raw } } }`,
    ).join(' ');
    expect((await harness.gql(`{ ${tenPages} }`)).errors).toBeUndefined();
  });

  it('prices a document it has seen before by the variables of each request', async () => {
    const query = 'query Q($n: Int!) { auditEvents(first: $n) { edges { cursor } } }';
    for (let i = 0; i < 3; i++) expect((await harness.gql(query, { n: 10 })).errors).toBeUndefined();
    const dear = await harness.gql(query, { n: 100_000 });
    expect(dear.errors![0].message).toMatch(/would cost \d+ upstream requests \(limit 1000\)/);
    expect((await harness.gql(query, { n: 10 })).errors).toBeUndefined();
  });

  it('does not suggest field names outside demo mode', async () => {
    const response = await harness.gql('{ sources { nam } }');
    expect(response.errors![0].message).not.toMatch(/Did you mean/);
  });
});
