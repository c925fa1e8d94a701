/**
 * Issue 15, errors in the right class and lesser disclosures: each finding replayed over HTTP
 * against the four simulators and a real gateway. Valid but extreme filters answer data (or
 * BAD_USER_INPUT naming the field, before any upstream call), never UPSTREAM_*; variable errors
 * carry no "Did you mean"; `_entities` takes at most `limits.maxEntities` representations.
 */
import fc from 'fast-check';
import type { AuditEventRecord, EventOrder } from '../../src/domain/audit-event';
import { createGateway, type Gateway } from '../../src/gateway';
import { silentLogger } from '../../src/logging/logger';
import { eventMatcher } from '../../src/paging/event-filter';
import { parseTimestamp } from '../../src/paging/time-key';
import { normalizeEventFilter } from '../../src/services/event-filter.normalizer';
import { harnessConfig, KEYS, startHarness, type GraphQLResponse, type Harness } from '../support/gateway-harness';
import { checkExactlyOnce, expectedMerged, PAGE_QUERY, SOURCE_NAMES, walk, type SourceName } from '../support/timeline';

const FIRST_PAGE = `query P($filter: AuditEventFilter, $order: AuditEventOrder, $first: Int) {
  auditEvents(filter: $filter, order: $order, first: $first) { edges { node { nativeId occurredAt source { name } } } pageInfo { hasNextPage } }
}`;

const upstreamCodes = (response: GraphQLResponse) =>
  (response.errors ?? []).map((e) => e.extensions?.code).filter((c) => /^UPSTREAM_/.test(String(c)));

/** The merged timeline for a GraphQL filter, computed from the simulators' own records. */
function expectedFor(
  harness: Harness,
  order: EventOrder,
  filter: Record<string, any>,
  sources: SourceName[] = SOURCE_NAMES,
): AuditEventRecord[] {
  const normalized = normalizeEventFilter({
    ...filter,
    occurredAfter: filter.occurredAfter ? parseTimestamp(filter.occurredAfter) : undefined,
    occurredBefore: filter.occurredBefore ? parseTimestamp(filter.occurredBefore) : undefined,
  });
  return expectedMerged(harness.sims, sources, order).filter(eventMatcher(normalized));
}

describe('valid but extreme filters answer data, not UPSTREAM_BAD_RESPONSE', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 151, count: 120 });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    SOURCE_NAMES.forEach((s) => harness.sims[s].resetRequests());
    harness.upstream.clear();
  });

  const page = (filter: Record<string, unknown>, order: EventOrder) => harness.gql(FIRST_PAGE, { filter, order, first: 10 });

  it.each<[string, Record<string, unknown>, 'all' | 'none']>([
    ['occurredAfter in year 0001', { occurredAfter: '0001-01-01T00:00:00Z' }, 'all'],
    ['occurredAfter in year 0000, offset into year -1', { occurredAfter: '0000-01-01T00:00:00+14:00' }, 'all'],
    ['occurredBefore in year 9999', { occurredBefore: '9999-12-31T23:59:59.999999999Z' }, 'all'],
    ['occurredBefore in year 9999, offset into year 10000', { occurredBefore: '9999-12-31T23:59:59-12:00' }, 'all'],
    [
      'occurredAfter 0001 and occurredBefore 9999',
      { occurredAfter: '0001-01-01T00:00:00Z', occurredBefore: '9999-12-31T23:59:59Z' },
      'all',
    ],
    ['occurredAfter in year 9999', { occurredAfter: '9999-12-31T23:59:59.5Z' }, 'none'],
    ['occurredBefore in year 0001', { occurredBefore: '0001-01-01T00:00:00Z' }, 'none'],
    ['occurredBefore at the epoch', { occurredBefore: '1970-01-01T00:00:00Z' }, 'none'],
    ['a range wholly before the epoch', { occurredAfter: '1900-01-01T00:00:00Z', occurredBefore: '1950-01-01T00:00:00Z' }, 'none'],
  ])('%s, merged over every source with onSourceError FAIL', async (_name, filter, expected) => {
    for (const order of ['NEWEST_FIRST', 'OLDEST_FIRST'] as const) {
      const response = await page(filter, order);
      expect(response.errors).toBeUndefined();
      const got = response.data!.auditEvents.edges.map((e: any) => `${e.node.source.name}:${e.node.nativeId}`);
      const all = expectedMerged(harness.sims, SOURCE_NAMES, order)
        .slice(0, 10)
        .map((e) => `${e.sourceId}:${e.nativeId}`);
      expect(got).toEqual(expected === 'all' ? all : []);
    }
    // What reached the providers is what they accept.
    for (const r of harness.sims.losant.requests)
      for (const key of ['start', 'end']) if (r.query.has(key)) expect(Number(r.query.get(key))).toBeGreaterThanOrEqual(0);
    for (const r of harness.sims.logrocket.requests) expect(r.query.get('cursor') ?? '0').not.toMatch(/^-/);
    for (const r of harness.sims.zendesk.requests) {
      const [start, end] = r.query.getAll('filter[created_at][]');
      if (start !== undefined) expect(start <= end && /^\d{4}-/.test(start) && /^\d{4}-/.test(end)).toBe(true);
    }
    for (const r of harness.sims.nirvana.requests)
      for (const key of ['created_at_min', 'created_at_max']) if (r.query.has(key)) expect(r.query.get(key)).toMatch(/^\d{4}-/);
  });

  it('a far-future occurredBefore costs LogRocket’s emulated newest-first scan no more than no bound does', async () => {
    const walkCalls = async (filter: Record<string, unknown> | undefined) => {
      harness.sims.logrocket.resetRequests();
      const response = await harness.gql(PAGE_QUERY, { sources: ['logrocket'], order: 'NEWEST_FIRST', first: 20, filter });
      expect(response.errors).toBeUndefined();
      return { calls: harness.sims.logrocket.requests.length, events: response.data!.auditEvents.edges.map((e: any) => e.node) };
    };
    const unbounded = await walkCalls(undefined);
    const farFuture = await walkCalls({ occurredBefore: '9999-12-31T23:59:59Z' });
    expect(farFuture.events).toHaveLength(20);
    expect(farFuture.events).toEqual(unbounded.events);
    // Before, the scan walked back from 9999 one (at most 366-day) window per call: thousands of calls.
    expect(farFuture.calls).toBeLessThanOrEqual(unbounded.calls + 2);
  });

  it('refuses a 10 KB value with BAD_USER_INPUT naming the field, before any upstream call', async () => {
    for (const field of ['actions', 'actorIds', 'targetIds', 'targetTypes', 'ipAddresses']) {
      const response = await page({ [field]: ['x'.repeat(10_240)] }, 'NEWEST_FIRST');
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `filter.${field}` });
      expect(response.errors![0].message).toMatch(new RegExp(`filter\\.${field}.*1024 characters`));
    }
    const tooMany = await page({ actorIds: Array.from({ length: 101 }, (_, i) => `a${i}`) }, 'NEWEST_FIRST');
    expect(tooMany.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.actorIds' });
    SOURCE_NAMES.forEach((s) => expect(harness.sims[s].requests).toHaveLength(0));
    expect(harness.upstream.size).toBe(0);
  });

  it('a merged query with an id Losant cannot have returns the other sources’ matches, and sends Losant no such id', async () => {
    const records = expectedMerged(harness.sims, SOURCE_NAMES, 'NEWEST_FIRST');
    const actorOf = (source: SourceName) => records.find((e) => e.sourceId === source && e.actor.id !== null)!.actor.id!;
    const filter = { actorIds: [actorOf('zendesk'), actorOf('nirvana'), 'not-a-losant-id'] };
    const expected = expectedFor(harness, 'NEWEST_FIRST', filter);
    expect(new Set(expected.map((e) => e.sourceId))).toEqual(new Set(['zendesk', 'nirvana']));
    const { events } = await walk(harness, { source: null, order: 'NEWEST_FIRST', direction: 'forward', pageSizes: [25], filter });
    expect(checkExactlyOnce(events, expected)).toEqual([]);
    for (const r of harness.sims.losant.requests) {
      for (const [key, value] of r.query) if (/^auditLogFilter\[actor\]\[\d+\]\[id\]$/.test(key)) expect(value).toMatch(/^[0-9a-f]{24}$/);
    }
    expect(harness.sims.losant.requests.length).toBeGreaterThan(0);
  });

  it('values one provider could refuse are filtered in the gateway: non-numeric Zendesk ids, addresses that are no IP, empty values', async () => {
    for (const filter of [
      { actorIds: ['jane@example.com'], targetTypes: ['user'], targetIds: ['not-a-number'] },
      { ipAddresses: ['not-an-ip'] },
      { actorIds: [''], actions: [''] },
      { actorIds: ['12345678901234567890'] },
    ]) {
      const response = await page(filter, 'OLDEST_FIRST');
      expect(upstreamCodes(response)).toEqual([]);
      expect(response.errors).toBeUndefined();
    }
  });

  it('a hundred long values still fit every provider’s request line: what does not fit is filtered in the gateway', async () => {
    const filter = {
      targetTypes: Array.from({ length: 100 }, (_, i) => `${'type-'.repeat(40)}${i}`),
      actorIds: Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(24, '0')),
      ipAddresses: Array.from({ length: 100 }, (_, i) => `2001:db8::${i.toString(16)}`),
    };
    const response = await page(filter, 'NEWEST_FIRST');
    expect(response.errors).toBeUndefined();
    expect(response.data!.auditEvents.edges).toEqual([]);
    SOURCE_NAMES.forEach((s) => expect(harness.sims[s].requests.length).toBeGreaterThan(0));
  });
});

describe('any DateTime the scalar accepts, as a filter bound, yields no UPSTREAM_* error from any simulator', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 152, count: 60 });
  });
  afterAll(() => harness.close());

  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const composed = fc
    .record({
      year: fc.oneof(fc.constantFrom(0, 1, 1969, 1970, 9999), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 2020, max: 2030 })),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      fraction: fc.option(
        fc.integer({ min: 0, max: 999_999_999 }).map((n) => `.${pad(n, 9)}`),
        { nil: '' },
      ),
      zone: fc.oneof(
        fc.constantFrom('Z', '+14:00', '-12:00', '+23:59', '-23:59'),
        fc
          .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
          .map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`),
      ),
    })
    .map(
      (v) =>
        `${pad(v.year, 4)}-${pad(v.month, 2)}-${pad(v.day, 2)}T${pad(v.hour, 2)}:${pad(v.minute, 2)}:${pad(v.second, 2)}${v.fraction}${v.zone}`,
    )
    .filter((text) => parseTimestamp(text) !== null);
  // The edges of the range, where offsets leave the four-digit years.
  const edges = fc.constantFrom(
    '0000-01-01T00:00:00+23:59',
    '0001-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999999999Z',
    '1970-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '9999-12-31T23:59:59.999999999Z',
    '9999-12-31T23:59:59-23:59',
  );
  const dateTimeText = fc.oneof(composed, edges);

  it('in both orders, one bound or two, merged over all four sources with onSourceError FAIL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(dateTimeText, { nil: undefined }),
        fc.option(dateTimeText, { nil: undefined }),
        fc.constantFrom<EventOrder>('NEWEST_FIRST', 'OLDEST_FIRST'),
        async (occurredAfter, occurredBefore, order) => {
          const response = await harness.gql(FIRST_PAGE, { filter: { occurredAfter, occurredBefore }, order, first: 5 });
          expect(upstreamCodes(response)).toEqual([]);
          if (response.errors) {
            // The only refusal: bounds in the wrong order, named.
            expect(response.errors).toEqual([
              expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.occurredAfter' }) }),
            ]);
          } else {
            const expected = expectedFor(harness, order, { occurredAfter, occurredBefore })
              .slice(0, 5)
              .map((e) => `${e.sourceId}:${e.nativeId}`);
            expect(response.data!.auditEvents.edges.map((e: any) => `${e.node.source.name}:${e.node.nativeId}`)).toEqual(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('variable errors do not suggest names', () => {
  const FILTERED = 'query F($f: AuditEventFilter) { auditEvents(filter: $f, first: 1) { totalCount } }';
  const ORDERED = 'query O($o: AuditEventOrder) { auditEvents(order: $o, first: 1) { totalCount } }';

  const expectNoSuggestion = (response: GraphQLResponse) => {
    expect(response.status).toBe(400);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(response.errors![0].message).not.toMatch(/Did you mean|"occurredAfter"|"NEWEST_FIRST"/);
    return response.errors![0].message;
  };

  it('with introspection off: a misspelt filter field or enum value in a variable, and in the document', async () => {
    const harness = await startHarness({ seed: 153, count: 10 });
    try {
      expect(expectNoSuggestion(await harness.gql(FILTERED, { f: { occuredAfter: '2024-01-01T00:00:00Z' } }))).toMatch(
        /^Variable "\$f" got invalid value .*Field "occuredAfter" is not defined by type "AuditEventFilter"\.$/,
      );
      expect(expectNoSuggestion(await harness.gql(ORDERED, { o: 'NEWST_FIRST' }))).toMatch(
        /Value "NEWST_FIRST" does not exist in "AuditEventOrder" enum\.$/,
      );
      const literal = await harness.gql('{ auditEvents(order: NEWST_FIRST, first: 1) { totalCount } }');
      expect(literal.errors![0].message).not.toMatch(/Did you mean/);
      SOURCE_NAMES.forEach((s) => expect(harness.sims[s].requests).toHaveLength(0));
      // The federation SDL stays: routers compose from it.
      const sdl = await harness.gql('{ _service { sdl } }');
      expect(sdl.data!._service.sdl).toMatch(/type AuditEvent/);
    } finally {
      await harness.close();
    }
  });

  it('with introspection on (demo mode): validation errors keep Apollo’s suggestions, variable values still get none', async () => {
    const harness = await startHarness({ seed: 154, count: 10 });
    let gateway: Gateway | undefined;
    try {
      const config = harnessConfig(harness.sims);
      gateway = await createGateway({ ...config, server: { ...config.server, introspection: true } }, { logger: silentLogger() });
      const url = await gateway.listen();
      const gql = async (query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as any;
        return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
      };
      expect((await gql('{ sources { nam } }')).errors![0].message).toMatch(/Did you mean "name"\?/);
      expectNoSuggestion(await gql(FILTERED, { f: { occuredAfter: '2024-01-01T00:00:00Z' } }));
      expectNoSuggestion(await gql(ORDERED, { o: 'NEWST_FIRST' }));
    } finally {
      await gateway?.close();
      await harness.close();
    }
  });
});

describe('`_entities` takes at most limits.maxEntities representations an operation', () => {
  const ENTITIES = 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Source { name } } }';
  let harness: Harness;
  let sourceId: string;
  beforeAll(async () => {
    harness = await startHarness({ seed: 155, count: 10 });
    sourceId = (await harness.gql('{ sources { id name } }')).data!.sources.find((s: any) => s.name === 'zendesk').id;
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    SOURCE_NAMES.forEach((s) => harness.sims[s].resetRequests());
    harness.upstream.clear();
  });
  const representations = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      i % 2 === 0 ? { __typename: 'Source', id: sourceId } : { __typename: 'AuditEvent', id: `not-an-id-${i}` },
    );

  const refused = async (query: string, variables: Record<string, unknown>, gql = harness.gql) => {
    const response = await gql(query, variables);
    expect(response.status).toBe(400);
    expect(response.data ?? null).toBeNull();
    expect(response.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    return response.errors![0].message;
  };

  it('refuses 101 with 400 before any upstream call, and accepts 100', async () => {
    expect(await refused(ENTITIES, { r: representations(101) })).toMatch(
      /`_entities` for 101 representations; the limit is 100 per operation/,
    );
    SOURCE_NAMES.forEach((s) => expect(harness.sims[s].requests).toHaveLength(0));
    expect(harness.upstream.size).toBe(0);
    const accepted = await harness.gql(ENTITIES, { r: representations(100) });
    expect(accepted.status).toBe(200);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!._entities).toHaveLength(100);
    expect(accepted.data!._entities[0]).toEqual({ name: 'zendesk' });
  });

  it('adds aliases and literals up', async () => {
    const aliased =
      'query E($r: [_Any!]!) { a: _entities(representations: $r) { __typename } b: _entities(representations: $r) { __typename } }';
    expect(await refused(aliased, { r: representations(51) })).toMatch(/102 representations/);
    const literal = `{ _entities(representations: ${JSON.stringify(representations(101)).replace(/"(__typename|id)":/g, '$1:')}) { __typename } }`;
    expect(await refused(literal, {})).toMatch(/101 representations/);
    SOURCE_NAMES.forEach((s) => expect(harness.sims[s].requests).toHaveLength(0));
  });

  it('follows limits.maxEntities', async () => {
    const small = await startHarness({ sims: harness.sims, limits: { maxEntities: 5 } });
    try {
      expect(await refused(ENTITIES, { r: representations(6) }, small.gql)).toMatch(/the limit is 5 per operation/);
      expect((await small.gql(ENTITIES, { r: representations(5) })).errors).toBeUndefined();
    } finally {
      await small.close();
    }
  });
});
