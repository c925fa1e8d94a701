import type { AuditEventRecord, EventOrder } from '../../src/domain/audit-event';
import { eventMatcher } from '../../src/paging/event-filter';
import { normalizeEventFilter } from '../../src/services/event-filter.normalizer';
import { parseTimestamp } from '../../src/paging/time-key';
import { startHarness, type Harness } from '../support/gateway-harness';
import { checkExactlyOnce, expectedTimeline, SOURCE_NAMES, walk, type SourceName } from '../support/timeline';

/** The expected timeline for a GraphQL filter, computed from the simulator's data. */
function expectedFiltered(harness: Harness, source: SourceName, order: EventOrder, filter: Record<string, any>): AuditEventRecord[] {
  const normalized = normalizeEventFilter({
    ...filter,
    occurredAfter: filter.occurredAfter ? parseTimestamp(filter.occurredAfter) : undefined,
    occurredBefore: filter.occurredBefore ? parseTimestamp(filter.occurredBefore) : undefined,
  });
  return expectedTimeline(harness.sims, source, order).filter(eventMatcher(normalized));
}

/** A filter value that selects some but not all of a source's events. */
function pick<T>(events: AuditEventRecord[], get: (e: AuditEventRecord) => T | null | undefined): T {
  const counts = new Map<T, number>();
  for (const e of events) {
    const v = get(e);
    if (v !== null && v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[1] - b[1])[Math.floor(counts.size / 2)][0];
}

describe('filters', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 21, count: 500 });
  });
  afterAll(() => harness.close());

  describe.each(SOURCE_NAMES)('%s', (source) => {
    it.each(['NEWEST_FIRST', 'OLDEST_FIRST'] as const)('time range, %s: exactly the events inside [after, before)', async (order) => {
      const all = expectedTimeline(harness.sims, source, 'OLDEST_FIRST');
      const filter = {
        occurredAfter: all[Math.floor(all.length / 4)].occurredAt,
        occurredBefore: all[Math.floor((3 * all.length) / 4)].occurredAt,
      };
      const expected = expectedFiltered(harness, source, order, filter);
      const forward = await walk(harness, { source, order, direction: 'forward', pageSizes: [11], filter });
      const backward = await walk(harness, { source, order, direction: 'backward', pageSizes: [17], filter });
      expect(checkExactlyOnce(forward.events, expected)).toEqual([]);
      expect(checkExactlyOnce(backward.events, expected)).toEqual([]);
    });

    it.each(['NEWEST_FIRST', 'OLDEST_FIRST'] as const)(
      'bounds past what providers take (years 0001 and 9999), %s: clamped, so every event, exactly once',
      async (order) => {
        const filter = { occurredAfter: '0001-01-01T00:00:00Z', occurredBefore: '9999-12-31T23:59:59.999Z' };
        const expected = expectedTimeline(harness.sims, source, order);
        const forward = await walk(harness, { source, order, direction: 'forward', pageSizes: [97], filter });
        const backward = await walk(harness, { source, order, direction: 'backward', pageSizes: [89], filter });
        expect(checkExactlyOnce(forward.events, expected)).toEqual([]);
        expect(checkExactlyOnce(backward.events, expected)).toEqual([]);
      },
    );

    it('action and actor filters: exactly the matching events, pushed down or not', async () => {
      const all = expectedTimeline(harness.sims, source, 'NEWEST_FIRST');
      const filter = { actions: [pick(all, (e) => e.action)], actorTypes: [pick(all, (e) => e.actor.type)] };
      const expected = expectedFiltered(harness, source, 'NEWEST_FIRST', filter);
      expect(expected.length).toBeGreaterThan(0);
      const { events } = await walk(harness, { source, order: 'NEWEST_FIRST', direction: 'forward', pageSizes: [8], filter });
      expect(checkExactlyOnce(events, expected)).toEqual([]);
    });
  });

  it('pushes filters down to Zendesk natively, repeating keys for several values', async () => {
    harness.sims.zendesk.resetRequests();
    const response = await harness.gql(
      '{ auditEvents(sources: ["zendesk"], first: 3, filter: { actions: ["login", "update"], ipAddresses: ["10.0.0.1"] }) { edges { node { action } } } }',
    );
    expect(response.errors).toBeUndefined();
    const query = harness.sims.zendesk.requests[0].query;
    expect(query.getAll('filter[action][]')).toEqual(['login', 'update']);
    expect(query.get('filter[ip_address]')).toBe('10.0.0.1');
    expect(query.get('page[size]')).not.toBeNull();
  });

  it('with a filter LogRocket cannot apply, a spent scan budget gives short pages that still reach every match', async () => {
    const tight = await startHarness({ seed: 22, count: 500, gateway: { scanBudget: 1 } });
    try {
      const all = expectedTimeline(tight.sims, 'logrocket', 'OLDEST_FIRST');
      const rare = pick(all, (e) => e.action);
      const filter = { actions: [rare] };
      const expected = expectedFiltered(tight, 'logrocket', 'OLDEST_FIRST', filter);
      const { events, pages } = await walk(tight, {
        source: 'logrocket',
        order: 'OLDEST_FIRST',
        direction: 'forward',
        pageSizes: [50],
        filter,
      });
      expect(checkExactlyOnce(events, expected)).toEqual([]);
      expect(pages).toBeGreaterThan(Math.ceil(expected.length / 50));
    } finally {
      await tight.close();
    }
  });
});

describe('totalCount', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 23, count: 300 });
  });
  afterAll(() => harness.close());

  const count = async (source: string, filter?: Record<string, unknown>) => {
    const r = await harness.gql(
      'query C($s: [String!], $f: AuditEventFilter) { auditEvents(sources: $s, first: 1, filter: $f) { totalCount } }',
      { s: [source], f: filter },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.auditEvents.totalCount;
  };

  it('is exact where the provider counts cheaply (Losant, Nirvana)', async () => {
    expect(await count('losant')).toBe(harness.sims.losant.records().length);
    expect(await count('nirvana')).toBe(harness.sims.nirvana.records().length);
  });

  it('is exact for a filtered Losant count it can push down', async () => {
    const all = expectedTimeline(harness.sims, 'losant', 'OLDEST_FIRST');
    const filter = { occurredAfter: all[50].occurredAt, occurredBefore: all[200].occurredAt, actorTypes: ['USER'] };
    expect(await count('losant', filter)).toBe(expectedFiltered(harness, 'losant', 'OLDEST_FIRST', filter).length);
  });

  it('is null where no cheap exact count exists (LogRocket, Zendesk cursor mode)', async () => {
    expect(await count('logrocket')).toBeNull();
    expect(await count('zendesk')).toBeNull();
  });

  it.each(['nirvana', 'losant'])(
    "comes with a first page's own response where the provider counts (%s): one upstream request",
    async (source) => {
      const sim = harness.sims[source as 'nirvana' | 'losant'];
      sim.resetRequests();
      const r = await harness.gql('query($s: [String!]) { auditEvents(sources: $s, first: 5) { totalCount edges { cursor } } }', {
        s: [source],
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.auditEvents.totalCount).toBe(sim.records().length);
      expect(r.data!.auditEvents.edges).toHaveLength(5);
      expect(sim.requests).toHaveLength(1);
    },
  );

  it('on a later page, is read alongside it, not after it: both requests reach the provider before either is answered', async () => {
    const first = await harness.gql('{ auditEvents(sources: ["nirvana"], first: 5) { pageInfo { endCursor } } }');
    harness.sims.nirvana.resetRequests();
    harness.sims.nirvana.injectFault({ latencyMs: 1_000 });
    try {
      const asked = harness.gql(
        'query($after: String) { auditEvents(sources: ["nirvana"], first: 100, after: $after) { totalCount edges { cursor } } }',
        {
          after: first.data!.auditEvents.pageInfo.endCursor,
        },
      );
      // Half-way through the provider's first answer, the page and the count have both been asked.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(harness.sims.nirvana.requests).toHaveLength(2);
      const r = await asked;
      expect(r.errors).toBeUndefined();
      expect(r.data!.auditEvents.totalCount).toBe(harness.sims.nirvana.records().length);
      expect(r.data!.auditEvents.edges).toHaveLength(100);
    } finally {
      harness.sims.nirvana.clearFaults();
    }
  });

  it('is as fresh as the request even when the page comes from the cache', async () => {
    const query = '{ auditEvents(sources: ["nirvana"], first: 5, order: OLDEST_FIRST) { totalCount edges { node { nativeId } } } }';
    const before = await harness.gql(query);
    expect(before.data!.auditEvents.totalCount).toBe(harness.sims.nirvana.records().length);
    harness.sims.nirvana.insert(3);
    harness.sims.nirvana.resetRequests();
    const after = await harness.gql(query);
    expect(after.errors).toBeUndefined();
    expect(after.data!.auditEvents.edges).toEqual(before.data!.auditEvents.edges);
    expect(after.data!.auditEvents.totalCount).toBe(before.data!.auditEvents.totalCount + 3);
    // The settled oldest page came from the cache; only the count went upstream.
    expect(harness.sims.nirvana.requests.map((r) => r.query.get('limit'))).toEqual(['10']);
  });

  it('costs no upstream call when not asked for', async () => {
    harness.sims.losant.resetRequests();
    await harness.gql('{ auditEvents(sources: ["losant"], first: 1) { edges { cursor } } }');
    expect(harness.sims.losant.requests).toHaveLength(1);
    // Nor when a directive leaves it out: the cost rule does not charge it, so it is not read.
    harness.sims.losant.resetRequests();
    const skipped = await harness.gql(
      'query($count: Boolean!) { auditEvents(sources: ["losant"], first: 1) { totalCount @include(if: $count) edges { cursor } } }',
      { count: false },
    );
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data!.auditEvents.totalCount).toBeUndefined();
    expect(harness.sims.losant.requests).toHaveLength(1);
  });
});

describe('node', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 24, count: 200 });
  });
  afterAll(() => harness.close());

  it.each(SOURCE_NAMES)('%s: node(id) returns the same event the timeline did, with the same id', async (source) => {
    const page = await harness.gql(
      `{ auditEvents(sources: ["${source}"], first: 3, order: OLDEST_FIRST) { edges { node { id nativeId occurredAt action } } } }`,
    );
    const node = page.data!.auditEvents.edges[2].node;
    const found = await harness.gql('query N($id: ID!) { node(id: $id) { id ... on AuditEvent { nativeId occurredAt action } } }', {
      id: node.id,
    });
    expect(found.errors).toBeUndefined();
    expect(found.data!.node).toEqual(node);
  });
});
