import fc from 'fast-check';
import type { EventOrder } from '../../src/domain/audit-event';
import { startHarness, type Harness } from '../support/gateway-harness';
import { checkExactlyOnce, expectedMerged, insertInto, PAGE_QUERY, SOURCE_NAMES, walk, type SourceName } from '../support/timeline';

const ORDERS: EventOrder[] = ['NEWEST_FIRST', 'OLDEST_FIRST'];
const sourceSubsets = fc.subarray(SOURCE_NAMES, { minLength: 2 });

describe('one timeline across sources', () => {
  let harness: Harness;
  beforeAll(async () => {
    // Small native pages: every Relay page crosses native page boundaries, where resume tokens matter.
    // The scan budget (10 native requests per source per page) is meant for in-gateway filters;
    // with pages of 10 an emulated newest-first LogRocket window may need more, which gives a
    // correct but short page. These properties are about exact slices, so they get room.
    harness = await startHarness({ seed: 41, count: 300, bigTieGroup: 25, tuning: { pageSize: 10 }, gateway: { scanBudget: 40 } });
    // Ties across sources: the same instants in every provider (whole seconds fit every precision).
    for (const at of [new Date(Date.now() - 3 * 86_400_000), new Date(Date.now() - 7 * 86_400_000)]) {
      at.setUTCMilliseconds(0);
      for (const source of SOURCE_NAMES) insertInto(harness, source, 3, at);
    }
  });
  afterAll(() => harness.close());

  it.each(ORDERS.flatMap((order) => (['forward', 'backward'] as const).map((direction) => [order, direction] as const)))(
    'merges all four sources exactly once in the total order (%s, %s)',
    async (order, direction) => {
      const expected = expectedMerged(harness.sims, SOURCE_NAMES, order);
      const { events } = await walk(harness, { source: null, order, direction, pageSizes: [17, 100, 3] });
      expect(checkExactlyOnce(events, expected)).toEqual([]);
    },
  );

  it('pages any subset with any page sizes, orders and direction switches from any edge: every page is the exact slice after (or before) its cursor', async () => {
    await fc.assert(
      fc.asyncProperty(
        sourceSubsets,
        fc.constantFrom(...ORDERS),
        fc.array(fc.tuple(fc.constantFrom('forward' as const, 'backward' as const), fc.integer({ min: 1, max: 60 }), fc.nat()), {
          minLength: 2,
          maxLength: 8,
        }),
        fc.nat(),
        async (sources, order, moves, startSeed) => {
          const expected = expectedMerged(harness.sims, sources, order).map((e) => `${e.sourceId}/${e.nativeId}`);
          // Start from a random edge of a random first page (first pages carry the only unanchored tokens).
          const firstSize = 1 + (startSeed % 100);
          const first = await harness.gql(PAGE_QUERY, { sources, order, first: firstSize });
          let edges = first.data!.auditEvents.edges;
          // The page's first and last edges carry every source's tokens: pick them often.
          let position = [0, edges.length - 1, Math.floor(startSeed / 300) % edges.length][Math.floor(startSeed / 100) % 3];
          let cursor: string = edges[position].cursor;
          for (const [direction, size, pick] of moves) {
            const variables =
              direction === 'forward' ? { sources, order, first: size, after: cursor } : { sources, order, last: size, before: cursor };
            const response = await harness.gql(PAGE_QUERY, variables);
            expect(response.errors).toBeUndefined();
            edges = response.data!.auditEvents.edges;
            const got = edges.map((e: any) => `${e.node.source.name}/${e.node.nativeId}`);
            const want =
              direction === 'forward'
                ? expected.slice(position + 1, position + 1 + size)
                : expected.slice(Math.max(0, position - size), position);
            expect(got).toEqual(want);
            const info = response.data!.auditEvents.pageInfo;
            if (direction === 'forward') expect(info.hasNextPage).toBe(position + size < expected.length - 1);
            else expect(info.hasPreviousPage).toBe(position - size > 0);
            if (edges.length === 0) continue;
            // Continue from any edge of the page: every edge cursor must work in both directions.
            const chosen = [0, edges.length - 1, pick % edges.length][pick % 3];
            cursor = edges[chosen].cursor;
            position = direction === 'forward' ? position + 1 + chosen : position - edges.length + chosen;
          }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 12) },
    );
  });

  it('stays exactly once for random subsets while events arrive in every source', async () => {
    await fc.assert(
      fc.asyncProperty(
        sourceSubsets,
        fc.constantFrom(...ORDERS),
        fc.constantFrom('forward' as const, 'backward' as const),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
        async (sources, order, direction, pageSizes) => {
          const expected = expectedMerged(harness.sims, sources, order);
          const inserted = new Set<string>();
          const { events } = await walk(harness, {
            source: sources,
            order,
            direction,
            pageSizes,
            afterPage: (page) => {
              if (page < 4) for (const source of sources) for (const id of insertInto(harness, source, 2)) inserted.add(id);
            },
          });
          expect(checkExactlyOnce(events, expected, inserted)).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 8) },
    );
  });

  it('keeps a four-source cursor well under 2 KB', async () => {
    const response = await harness.gql(PAGE_QUERY, { sources: null, order: 'NEWEST_FIRST', first: 100 });
    const { startCursor, endCursor } = response.data!.auditEvents.pageInfo;
    const lengths = response.data!.auditEvents.edges.map((e: any) => e.cursor.length);
    expect(Math.max(endCursor.length, startCursor.length, ...lengths)).toBeLessThan(1500);
  });

  it('sums totalCount when every source counts exactly, else null', async () => {
    const q = 'query C($s: [String!]) { auditEvents(sources: $s, first: 1) { totalCount } }';
    const both = await harness.gql(q, { s: ['losant', 'nirvana'] });
    expect(both.data!.auditEvents.totalCount).toBe(harness.sims.losant.records().length + harness.sims.nirvana.records().length);
    const withZendesk = await harness.gql(q, { s: ['losant', 'zendesk'] });
    expect(withZendesk.data!.auditEvents.totalCount).toBeNull();
  });
});

describe('a failing source in a merged timeline', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 42, count: 150, tuning: { retries: 0 } });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.sims.nirvana.clearFaults());

  const sources: SourceName[] = ['zendesk', 'losant', 'nirvana'];

  it('FAIL: the request fails, naming the source', async () => {
    harness.sims.nirvana.injectFault({ status: 503 });
    const response = await harness.gql(PAGE_QUERY, { sources, order: 'NEWEST_FIRST', first: 10, onSourceError: 'FAIL' });
    expect(response.data).toBeNull();
    expect(response.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'nirvana' });
  });

  it('PARTIAL: the others are returned with an error naming the source, and nothing of it is lost once it recovers', async () => {
    const expected = expectedMerged(harness.sims, sources, 'OLDEST_FIRST');
    harness.sims.nirvana.injectFault({ status: 503 });
    const failures: unknown[] = [];
    const { events } = await walk(harness, {
      source: sources,
      order: 'OLDEST_FIRST',
      direction: 'forward',
      pageSizes: [20],
      onSourceError: 'PARTIAL',
      onErrors: (errors, page) => {
        failures.push(...errors);
        expect(errors).toEqual([
          expect.objectContaining({
            path: ['auditEvents'],
            extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', source: 'nirvana' }),
          }),
        ]);
        if (page === 2) harness.sims.nirvana.clearFaults();
      },
    });
    expect(failures).toHaveLength(3);
    expect(events.slice(0, 60).some((e) => e.source === 'nirvana')).toBe(false);
    expect(checkExactlyOnce(events, expected, new Set(), { ignoreOrder: true })).toEqual([]);
  });
});
