import fc from 'fast-check';
import { Kind, parse, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_LIMITS } from '../../../../src/config/config.schema';
import { buildAuditGraphSchema } from '../../../../src/schema/build-schema';
import { entityRepresentations, operationCost } from '../../../../src/server/plugins/operation-cost.plugin';

/** Every field of an event, nested objects and the raw record included. */
const EVERY_FIELD =
  'id nativeId occurredAt action description ipAddress userAgent actor { id name email type } target { id type name } request { method path statusCode } source { id name provider } raw';
const FULL_PAGE = `edges { cursor node { ${EVERY_FIELD} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAuditGraphSchema();
});

function costOf(query: string, variables?: Record<string, unknown>, visibleSources = 4): number {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return operationCost(operation, { schema, fragments, variables, visibleSources });
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ userId: `u${i}` }));

describe('operationCost: upstream requests, not fields', () => {
  it("charges nothing for fields the gateway answers alone, and nothing for an event's fields", () => {
    expect(costOf('{ sources { id name provider } _service { sdl } __typename }')).toBe(0);
    const bare = costOf('{ auditEvents(sources: ["zendesk"], first: 100) { pageInfo { hasNextPage } } }');
    expect(
      costOf(`{ auditEvents(sources: ["zendesk"], first: 100) { edges { cursor node { ${EVERY_FIELD} } } pageInfo { hasNextPage } } }`),
    ).toBe(bare);
  });

  it('charges each source its native pages of 100 events, one more event than asked, and one count for totalCount', () => {
    expect(costOf('{ auditEvents(sources: ["zendesk"], first: 99) { edges { node { action } } } }')).toBe(1);
    expect(costOf('{ auditEvents(sources: ["zendesk"], first: 100) { edges { node { action } } } }')).toBe(2);
    expect(costOf('{ auditEvents(sources: ["zendesk", "losant", "zendesk"], last: 100) { edges { node { action } } } }')).toBe(4);
    // Without `sources` the timeline merges every source the caller may read; without first/last the page is 20.
    expect(costOf('{ auditEvents { edges { node { action } } } }', undefined, 4)).toBe(4);
    expect(costOf('{ auditEvents { edges { node { action } } } }', undefined, 1)).toBe(1);
    expect(costOf(`{ auditEvents(first: 100) { ${FULL_PAGE} } }`, undefined, 4)).toBe(4 * 2 + 4);
    expect(costOf('{ auditEvents(first: 0) { totalCount } }', undefined, 3)).toBe(3 + 3);
  });

  it('prices page sizes and lists passed as variables like literals, defaults of variables included', () => {
    const literal = costOf(`{ auditEvents(first: 100) { ${FULL_PAGE} } }`);
    expect(costOf(`query Q($n: Int) { auditEvents(first: $n) { ${FULL_PAGE} } }`, { n: 100 })).toBe(literal);
    expect(costOf(`query Q($n: Int = 100) { auditEvents(first: $n) { ${FULL_PAGE} } }`)).toBe(literal);
    // A small literal default cannot hide the large value actually sent.
    expect(costOf('query Q($n: Int = 1) { auditEvents(sources: ["zendesk"], first: $n) { totalCount } }', { n: 100_000 })).toBe(1001 + 1);
    expect(costOf('query Q($s: [String!]) { auditEvents(sources: $s, first: 10) { totalCount } }', { s: ['zendesk', 'losant'] })).toBe(
      2 + 2,
    );
    expect(costOf('query Q($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(37) })).toBe(37);
    expect(costOf('query Q($id: ID!) { nodes(ids: ["a", $id]) { id } }', { id: 'b' })).toBe(2);
  });

  it('charges one per id, representation, user upserted and highlights asked', () => {
    expect(costOf('{ node(id: "x") { id } }')).toBe(1);
    expect(costOf(`{ nodes(ids: ${JSON.stringify(ids(100))}) { id } }`)).toBe(100);
    expect(
      costOf('query E($r: [_Any!]!) { _entities(representations: $r) { ... on AuditEvent { action } } }', {
        r: ids(5001).map((id) => ({ __typename: 'AuditEvent', id })),
      }),
    ).toBe(5001);
    expect(costOf('mutation { upsertUser(input: { userId: "u" }) { userId } }')).toBe(1);
    expect(
      costOf('mutation U($in: [UpsertUserInput!]!) { upsertUsers(inputs: $in) { user { userId } error { code } } }', { in: inputs(500) }),
    ).toBe(500);
    expect(costOf('{ highlights(input: { userId: "u" }) { status summary sessions { summary } } }')).toBe(1);
    expect(costOf('mutation { requestHighlights(input: { userId: "u" }) { status } }')).toBe(1);
    expect(costOf('{ sessionExports(first: 100) { edges { node { url } } pageInfo { hasNextPage } } }')).toBe(2);
  });

  it("multiplies what is below a list by its items: each upserted or looked-up user's highlights count", () => {
    expect(
      costOf('mutation U($in: [UpsertUserInput!]!) { upsertUsers(inputs: $in) { user { highlights { summary } } } }', { in: inputs(500) }),
    ).toBe(500 + 500);
    // An item of an interface costs as much as its dearest possible type.
    expect(
      costOf('query N($ids: [ID!]!) { nodes(ids: $ids) { id ... on User { highlights { status } } ... on AuditEvent { action } } }', {
        ids: ids(100),
      }),
    ).toBe(200);
    expect(
      costOf(
        'query E($r: [_Any!]!) { _entities(representations: $r) { ... on User { a: highlights { status } b: highlights(question: "why") { status } } } }',
        { r: inputs(10) },
      ),
    ).toBe(10 + 10 * 2);
  });

  it('expands fragments where they are spread, counts a response key once, and adds up aliases', () => {
    const inline = costOf('{ auditEvents(first: 100) { totalCount edges { node { action } } } }');
    expect(
      costOf(
        '{ ...Q } fragment Q on Query { auditEvents(first: 100) { ...C } } fragment C on AuditEventConnection { totalCount edges { node { action } } }',
      ),
    ).toBe(inline);
    // Relay-style documents select the same field from several fragments: it is fetched once.
    expect(
      costOf(
        '{ auditEvents(first: 100) { totalCount ...A ...B } } fragment A on AuditEventConnection { totalCount } fragment B on AuditEventConnection { totalCount edges { cursor } }',
      ),
    ).toBe(inline);
    expect(costOf('{ a: auditEvents(first: 100) { totalCount } b: auditEvents(first: 100) { totalCount } }')).toBe(2 * inline);
    expect(
      costOf(
        'mutation U($in: [UpsertUserInput!]!) { a: upsertUsers(inputs: $in) { user { userId } } b: upsertUsers(inputs: $in) { user { userId } } }',
        { in: inputs(500) },
      ),
    ).toBe(1000);
  });

  it('charges nothing a decided @skip or @include leaves out, and pays for anything undecided', () => {
    expect(costOf('{ auditEvents(sources: ["zendesk"]) @include(if: false) { totalCount } }')).toBe(0);
    expect(costOf('query Q($on: Boolean!) { auditEvents(sources: ["zendesk"]) @skip(if: $on) { totalCount } }', { on: true })).toBe(0);
    expect(costOf('query Q($on: Boolean!) { auditEvents(sources: ["zendesk"]) @include(if: $on) { totalCount } }', { on: true })).toBe(2);
    expect(costOf('query Q($on: Boolean!) { auditEvents(sources: ["zendesk"]) @include(if: $on) { totalCount } }')).toBe(2);
  });

  it('decides @skip/@include inside fragment spreads, defaults included, and charges a fragment only on its own type', () => {
    const lookup =
      'query N($ids: [ID!]!, $brief: Boolean!) { nodes(ids: $ids) { ...U ...E } } fragment U on User { highlights @skip(if: $brief) { status } } fragment E on AuditEvent { action source { name } }';
    expect(costOf(lookup, { ids: ids(10), brief: false })).toBe(10 + 10);
    expect(costOf(lookup, { ids: ids(10), brief: true })).toBe(10);
    // Not a boolean: graphql-js would not decide it either, so it is paid for.
    expect(costOf(lookup, { ids: ids(10), brief: 'yes' })).toBe(10 + 10);
    const byDefault = lookup.replace('$brief: Boolean!', '$brief: Boolean = true');
    expect(costOf(byDefault, { ids: ids(10) })).toBe(10);
    expect(costOf(byDefault, { ids: ids(10), brief: false })).toBe(10 + 10);
    // Named is spread on events only: its User part applies to no item, whatever $brief says.
    const wrongType =
      'query N($ids: [ID!]!, $brief: Boolean!) { nodes(ids: $ids) { ... on AuditEvent { ...Named } } } fragment Named on Node { ... on User { highlights @skip(if: $brief) { status } } }';
    expect(costOf(wrongType, { ids: ids(10), brief: false })).toBe(10);
  });
});

describe('operationCost properties', () => {
  const size = fc.integer({ min: 0, max: 10_000 });

  it('never falls when a page, an id list, a representation list or an input list grows', () => {
    fc.assert(
      fc.property(size, size, fc.constantFrom('first', 'last'), fc.integer({ min: 1, max: 4 }), (a, b, arg, sources) => {
        const query = `query Q($n: Int) { auditEvents(${arg}: $n) { ${FULL_PAGE} } }`;
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(costOf(query, { n: small }, sources)).toBeLessThanOrEqual(costOf(query, { n: large }, sources));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 }), (a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const lookup = 'query Q($ids: [ID!]!) { nodes(ids: $ids) { ... on User { highlights { status } } } }';
        expect(costOf(lookup, { ids: ids(small) })).toBeLessThanOrEqual(costOf(lookup, { ids: ids(large) }));
        const entities = 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on AuditEvent { action } } }';
        expect(costOf(entities, { r: ids(small) })).toBeLessThanOrEqual(costOf(entities, { r: ids(large) }));
        const upserts = 'mutation U($in: [UpsertUserInput!]!) { upsertUsers(inputs: $in) { user { userId } } }';
        expect(costOf(upserts, { in: inputs(small) })).toBeLessThanOrEqual(costOf(upserts, { in: inputs(large) }));
      }),
    );
  });

  it('grows with every source a page reads, and k aliases cost k times one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 8 }), (n, k, sources) => {
        const one = costOf(`query Q($n: Int) { auditEvents(first: $n) { ${FULL_PAGE} } }`, { n }, sources);
        expect(one).toBe(sources * Math.ceil((n + 1) / 100) + sources);
        expect(costOf(`query Q($n: Int) { auditEvents(first: $n) { ${FULL_PAGE} } }`, { n }, sources + 1)).toBeGreaterThan(one);
        const aliased = Array.from({ length: k }, (_, i) => `a${i}: auditEvents(first: $n) { ${FULL_PAGE} }`).join(' ');
        expect(costOf(`query Q($n: Int) { ${aliased} }`, { n }, sources)).toBe(k * one);
      }),
    );
  });
});

describe('DEFAULT_LIMITS against the cost model', () => {
  const page = `query P($after: String) { auditEvents(first: 100, after: $after) { ${FULL_PAGE} } }`;

  it('let one tenant read 10,000 events a minute in full pages of four sources, or 32 clients burst 5 first pages each', () => {
    const perPage = costOf(page, { after: null }, 4);
    expect(perPage).toBe(12);
    expect(perPage).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
    expect((10_000 / 100) * perPage).toBeLessThanOrEqual(DEFAULT_LIMITS.costPerMinute);
    expect(32 * 5 * perPage).toBeLessThanOrEqual(DEFAULT_LIMITS.costPerMinute);
    expect(32 * 5).toBeLessThanOrEqual(DEFAULT_LIMITS.requestsPerMinute);
    // The dearest legitimate operation: upsertUsers at its 500-input cap with each user's highlights.
    expect(
      costOf('mutation U($in: [UpsertUserInput!]!) { upsertUsers(inputs: $in) { user { highlights { summary } } } }', { in: inputs(500) }),
    ).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
  });

  it('refuse attacker-shaped operations in one request', () => {
    expect(
      costOf('query E($r: [_Any!]!) { _entities(representations: $r) { ... on AuditEvent { action } } }', { r: ids(5001) }),
    ).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    const tenUpserts = Array.from({ length: 10 }, (_, i) => `a${i}: upsertUsers(inputs: $in) { user { userId } }`).join(' ');
    expect(costOf(`mutation U($in: [UpsertUserInput!]!) { ${tenUpserts} }`, { in: inputs(500) })).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    const nested =
      'query N($r: [_Any!]!) { _entities(representations: $r) { ... on User { a: highlights { status } b: highlights(question: "x") { status } } } }';
    expect(costOf(nested, { r: inputs(400) })).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    expect(costOf('query Q($n: Int) { auditEvents(first: $n) { totalCount } }', { n: 100_000 })).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
  });
});

describe('entityRepresentations: the `_entities` cap counts what the resolvers would get', () => {
  const count = (query: string, variables?: Record<string, unknown>) => {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = Object.fromEntries(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    return entityRepresentations(operation, { schema, fragments, variables });
  };
  const reps = (n: number) => ids(n).map((id) => ({ __typename: 'AuditEvent', id }));

  it('counts representations from variables and literals, adds aliases up, and sees through fragments', () => {
    expect(count('{ sources { name } nodes(ids: ["a"]) { id } }')).toBe(0);
    expect(count('query E($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: reps(101) })).toBe(101);
    expect(count('{ _entities(representations: [{ __typename: "AuditEvent", id: "a" }]) { __typename } }')).toBe(1);
    expect(
      count('query E($r: [_Any!]!) { a: _entities(representations: $r) { __typename } b: _entities(representations: $r) { __typename } }', {
        r: reps(60),
      }),
    ).toBe(120);
    expect(
      count('query E($r: [_Any!]!) { ...F } fragment F on Query { _entities(representations: $r) { __typename } }', { r: reps(7) }),
    ).toBe(7);
    expect(count('query E($r: [_Any!]!) { _entities(representations: $r) @skip(if: true) { __typename } }', { r: reps(500) })).toBe(0);
  });

  it('defaults to 100 an operation, what `nodes` takes in one call', () => {
    expect(DEFAULT_LIMITS.maxEntities).toBe(100);
  });
});
