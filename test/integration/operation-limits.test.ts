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
    expect((await rejected(`{ sources { ${tokens} } }`)).message).toMatch(/token/i);
  });

  it('limits root fields', async () => {
    const roots = Array.from({ length: 11 }, (_, i) => `s${i}: sources { name }`).join(' ');
    expect((await rejected(`{ ${roots} }`)).message).toMatch(/11 root fields; the limit is 10/);
  });

});

describe('operation limits that let normal queries through', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 72, count: 30 });
  });
  afterAll(() => harness.close());

  it('accepts a full page of 100 events with every field, and small pages passed as variables', async () => {
    const full = await harness.gql(`{ auditEvents(sources: ["losant"], first: 100) { edges { cursor node { id ${FIELDS} source { name provider } request { method path statusCode } raw } } pageInfo { hasNextPage endCursor } totalCount } }`);
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

  it('prices page sizes, including page sizes passed as variables, before any upstream call', async () => {
    SOURCES.forEach((s) => harness.sims[s].resetRequests());
    const query = (n: number) =>
      `query Q($n: Int) { ${Array.from({ length: n }, (_, i) => `a${i}: auditEvents(sources: ["zendesk"], first: $n) { edges { node { ${FIELDS} } } }`).join(' ')} }`;
    const costly = await harness.gql(query(3), { n: 100 });
    expect(costly.status).toBe(400);
    expect(costly.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(costly.errors![0].extensions).not.toHaveProperty('http');
    expect(costly.errors![0].message).toMatch(/would cost \d+ \(limit 5000\)/);
    const ids = await harness.gql(`{ a: auditEvents(first: 100) { edges { node { ${FIELDS} } } } b: auditEvents(last: 100) { edges { node { ${FIELDS} } } } d: auditEvents(last: 100, sources: ["losant"]) { edges { node { ${FIELDS} } } } c: nodes(ids: [${Array.from({ length: 100 }, (_, i) => `"${i}"`).join(',')}]) { id } }`);
    expect(ids.errors![0].message).toMatch(/would cost/);
    for (const s of SOURCES) expect(harness.sims[s].requests).toHaveLength(0);
    // The same operation with small pages is fine.
    expect((await harness.gql(query(3), { n: 10 })).errors).toBeUndefined();
  });

  it('does not suggest field names outside demo mode', async () => {
    const response = await harness.gql('{ sources { nam } }');
    expect(response.errors![0].message).not.toMatch(/Did you mean/);
  });
});
