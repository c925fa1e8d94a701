import type { EventOrder } from '../../src/domain/audit-event';
import { startHarness, type Harness } from '../support/gateway-harness';
import { checkExactlyOnce, expectedTimeline, insertInto, SOURCE_NAMES, walk } from '../support/timeline';

const ORDERS: EventOrder[] = ['NEWEST_FIRST', 'OLDEST_FIRST'];
const DIRECTIONS = ['forward', 'backward'] as const;

describe('paging one source to the end over real HTTP', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 11, count: 700 });
  });
  afterAll(() => harness.close());

  describe.each(SOURCE_NAMES)('%s', (source) => {
    it.each(ORDERS.flatMap((order) => DIRECTIONS.map((direction) => [order, direction] as const)))(
      'returns every event exactly once, in order (%s, %s, odd page sizes)',
      async (order, direction) => {
        const expected = expectedTimeline(harness.sims, source, order);
        const { events } = await walk(harness, { source, order, direction, pageSizes: [7, 13, 1, 37, 100] });
        expect(checkExactlyOnce(events, expected)).toEqual([]);
        expect(events).toHaveLength(expected.length);
        // occurredAt keeps the provider's precision (LogRocket: microseconds).
        if (source === 'logrocket') expect(events.some((e) => /\.\d{6}Z$/.test(e.occurredAt))).toBe(true);
      },
    );
  });
});

describe('paging while events arrive', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 12, count: 400 });
  });
  afterAll(() => harness.close());

  describe.each(SOURCE_NAMES)('%s', (source) => {
    it.each(ORDERS.flatMap((order) => DIRECTIONS.map((direction) => [order, direction] as const)))(
      'still returns every event that existed at the start exactly once (%s, %s)',
      async (order, direction) => {
        const expected = expectedTimeline(harness.sims, source, order);
        const inserted = new Set<string>();
        const { events } = await walk(harness, {
          source,
          order,
          direction,
          pageSizes: [9, 23],
          afterPage: (page) => {
            if (page % 3 === 0) for (const id of insertInto(harness, source, 3)) inserted.add(id);
          },
        });
        expect(checkExactlyOnce(events, expected, inserted)).toEqual([]);
      },
    );
  });
});
