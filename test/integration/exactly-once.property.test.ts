import fc from 'fast-check';
import { startHarness, type Harness } from '../support/gateway-harness';
import { checkExactlyOnce, expectedTimeline, insertInto, walk, type SourceName } from '../support/timeline';

/**
 * Exactly-once as a property: whatever the page sizes, order, direction and inserts while paging,
 * a walk to the end returns every event that existed when it started, once, in timeline order.
 */
describe.each<[SourceName, string]>([
  ['losant', 'offset paging with shifting offsets and reshuffled ties'],
  ['nirvana', 'filter-bound cursors, limit 10..100'],
  ['zendesk', 'after-cursors, second-precision ties'],
  ['logrocket', 'ascending-only, emulated newest-first'],
])('%s (%s)', (source) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 31, count: 250, bigTieGroup: 40 });
  });
  afterAll(() => harness.close());

  it('pages exactly once for any page sizes, order, direction and inserts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('NEWEST_FIRST' as const, 'OLDEST_FIRST' as const),
        fc.constantFrom('forward' as const, 'backward' as const),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 6 }),
        async (order, direction, pageSizes, insertsPerPage) => {
          const expected = expectedTimeline(harness.sims, source, order);
          const inserted = new Set<string>();
          const { events } = await walk(harness, {
            source,
            order,
            direction,
            pageSizes,
            // Inserts stop after a while: a walk towards "now" never ends if events keep outpacing it.
            afterPage: (page) => {
              if (page >= insertsPerPage.length) return;
              for (const id of insertInto(harness, source, insertsPerPage[page])) inserted.add(id);
            },
          });
          expect(checkExactlyOnce(events, expected, inserted)).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 10) },
    );
  });
});

describe('instants larger than a native page', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 32, count: 400, bigTieGroup: 230 });
  });
  afterAll(() => harness.close());

  it.each(['logrocket', 'zendesk', 'losant', 'nirvana'] as const)(
    '%s: a 230-event instant is paged exactly once both ways',
    async (source) => {
      for (const order of ['NEWEST_FIRST', 'OLDEST_FIRST'] as const) {
        for (const direction of ['forward', 'backward'] as const) {
          const expected = expectedTimeline(harness.sims, source, order);
          const { events } = await walk(harness, { source, order, direction, pageSizes: [100, 9] });
          expect(checkExactlyOnce(events, expected)).toEqual([]);
        }
      }
    },
  );
});
