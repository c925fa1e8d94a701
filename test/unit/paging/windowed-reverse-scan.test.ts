import fc from 'fast-check';
import type { AuditEventRecord } from '../../../src/domain/audit-event';
import type { SourceHint } from '../../../src/paging/cursor-codec';
import type { EventKey } from '../../../src/paging/event-order';
import { createScanBudget } from '../../../src/paging/scan.types';
import { timeKeyFromEpochMs } from '../../../src/paging/time-key';
import { windowedReverseScan } from '../../../src/paging/windowed-reverse-scan';
import { ascendingOnlySource, collect, expectedRemainder, makeEvent, requestsUntilProgress, SOURCE, sometimes } from './fake-sources';

const BASE_MS = Date.UTC(2024, 1, 2, 20, 0, 0);
const SPAN_MS = 600_000;

/** A LogRocket-like time key: millisecond `ms` after BASE plus `micros` microseconds. */
function keyAt(ms: number, micros = 0): string {
  return `${timeKeyFromEpochMs(BASE_MS + ms).slice(0, 23)}${String(micros).padStart(3, '0')}000Z`;
}

const idArb = fc
  .array(fc.constantFrom('a', 'b', 'c', 'Z', '0', '\u00e9', '\uffff', '\u{1F600}'), { minLength: 1, maxLength: 4 })
  .map((chars) => chars.join(''));

const scenarioArb = fc
  .record({
    instants: fc.array(fc.record({ ms: fc.integer({ min: 0, max: SPAN_MS }), micros: fc.integer({ min: 0, max: 999 }) }), {
      minLength: 1,
      maxLength: 20,
    }),
    raw: fc.uniqueArray(fc.record({ instant: fc.nat(), id: idArb }), { selector: (r) => r.id, maxLength: 60, size: 'medium' }),
    pageSize: fc.integer({ min: 1, max: 6 }),
    want: fc.integer({ min: 1, max: 25 }),
    initialWindowMs: fc.integer({ min: 1, max: 400_000 }),
    nowAfterMs: fc.integer({ min: 1, max: 5_000_000 }),
    resume: fc.option(
      fc.oneof(
        fc.record({ existing: fc.nat() }),
        fc.record({ ms: fc.integer({ min: 0, max: SPAN_MS }), id: idArb, sourceId: fc.constantFrom('a-other', SOURCE, 'zz-other') }),
      ),
      {
        freq: 2,
      },
    ),
    lower: sometimes(fc.integer({ min: 0, max: SPAN_MS })),
    upper: sometimes(fc.integer({ min: 0, max: SPAN_MS + 1 })),
  })
  .map((s) => {
    const events = s.raw.map((r) => {
      const instant = s.instants[r.instant % s.instants.length];
      return makeEvent(keyAt(instant.ms, instant.micros), r.id);
    });
    let after: EventKey | undefined;
    if (s.resume && 'existing' in s.resume) {
      if (events.length > 0) {
        const e = events[s.resume.existing % events.length];
        after = { timeKey: e.timeKey, sourceId: e.sourceId, nativeId: e.nativeId };
      }
    } else if (s.resume) after = { timeKey: keyAt(s.resume.ms, 500), sourceId: s.resume.sourceId, nativeId: s.resume.id };
    return {
      ...s,
      events,
      after,
      now: BASE_MS + SPAN_MS + s.nowAfterMs,
      lowerKey: s.lower === null ? undefined : keyAt(s.lower),
      upperKey: s.upper === null ? undefined : keyAt(s.upper),
    };
  });

const N_EVEN = 2000;
const NATIVE_PAGE = 100;
const PAGE = 20;

/**
 * Pages newest-first through `count` evenly spread events the way the page builder does: take
 * PAGE + 1 events per request with a budget of 10, resume after the last taken with its batch's
 * hint; a request that runs out of budget before taking anything hands back the same position.
 */
async function pageThroughEvenlySpread(spacingMs: number, nowAfterMs: number, count = N_EVEN) {
  const events: AuditEventRecord[] = Array.from({ length: count }, (_, i) =>
    makeEvent(keyAt(i * spacingMs, (i * 37) % 1000), `e${String(i).padStart(5, '0')}`),
  );
  const now = BASE_MS + count * spacingMs + nowAfterMs;
  const source = ascendingOnlySource(events, { pageSize: NATIVE_PAGE });
  const got: string[] = [];
  let after: EventKey | undefined;
  let hint: SourceHint | undefined;
  let pages = 0;
  let stalls = 0;
  for (;;) {
    pages += 1;
    if (pages > 2 * (count / PAGE) + 10) throw new Error('too many pages');
    const scan = windowedReverseScan(
      source,
      { direction: 'DESC', after, hint, want: PAGE + 1, filtering: false, budget: createScanBudget(10) },
      { now: () => now },
    );
    const taken: { e: AuditEventRecord; hint?: SourceHint }[] = [];
    let ended = false;
    let budgetSpent = false;
    for await (const item of scan) {
      if (item.kind === 'budget') {
        budgetSpent = true;
        break;
      }
      if (item.kind === 'end') {
        ended = true;
        break;
      }
      for (const e of item.events) taken.push({ e, hint: item.hint });
      if (taken.length > PAGE) break;
    }
    await scan.return(undefined);
    if (budgetSpent && taken.length === 0) stalls += 1;
    if (stalls > 3) break; // the same request again and again: the client's cursor never moves
    const page = taken.slice(0, PAGE);
    got.push(...page.map((t) => t.e.nativeId));
    if (ended && taken.length <= PAGE) break;
    if (page.length === 0) continue;
    const last = page[page.length - 1];
    after = { timeKey: last.e.timeKey, sourceId: last.e.sourceId, nativeId: last.e.nativeId };
    hint = last.hint;
  }
  return { got, expected: expectedRemainder(events, 'DESC'), requests: source.total(), distinct: source.distinct.size, pages, stalls };
}

describe('windowedReverseScan over an ascending-only source', () => {
  it('yields every event newest first exactly once, from any resume position', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const source = ascendingOnlySource(s.events, { pageSize: s.pageSize });
        const result = await collect(
          windowedReverseScan(
            source,
            {
              direction: 'DESC',
              after: s.after,
              lower: s.lowerKey,
              upper: s.upperKey,
              want: s.want,
              filtering: false,
              budget: createScanBudget(1_000_000),
            },
            { now: () => s.now, initialWindowMs: s.initialWindowMs },
          ),
        );
        expect(result.ids).toEqual(expectedRemainder(s.events, 'DESC', s.after, s.lowerKey, s.upperKey));
        expect(result.endedBy).toBe('end');
      }),
      { numRuns: 250 },
    );
  });

  it('stops after n requests with a budget of n (or once it first progresses), and resuming from the last yielded event loses nothing', async () => {
    let budgetHits = 0;
    await fc.assert(
      fc.asyncProperty(
        scenarioArb,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (scenario, n, want, keepHint) => {
          // Narrow windows and a clock close to the data, so that a scan takes many windows.
          const s = {
            ...scenario,
            now: BASE_MS + SPAN_MS + (scenario.nowAfterMs % 1000),
            initialWindowMs: 1 + (scenario.initialWindowMs % 5_000),
          };
          const source = ascendingOnlySource(s.events, { pageSize: s.pageSize });
          const got: string[] = [];
          let after = s.after;
          let hint: SourceHint | undefined;
          for (let call = 0; ; call++) {
            if (call > 300) throw new Error('scan does not terminate');
            // With keepHint the scan also gets the hint of the batch it resumes after, as cursors carry it.
            const request = { direction: 'DESC' as const, after, hint, lower: s.lowerKey, upper: s.upperKey, want, filtering: false };
            const options = { now: () => s.now, initialWindowMs: s.initialWindowMs };
            // Requests needed to hand out something new: a budget never stops a scan before that.
            const progressCost = await requestsUntilProgress(ascendingOnlySource(s.events, { pageSize: s.pageSize }), (src) =>
              windowedReverseScan(src, { ...request, budget: createScanBudget(1_000_000) }, options),
            );
            const before = source.total();
            const result = await collect(windowedReverseScan(source, { ...request, budget: createScanBudget(n) }, options));
            const used = source.total() - before;
            got.push(...result.ids);
            if (result.endedBy === 'end') {
              expect(used).toBeLessThanOrEqual(Math.max(n, progressCost));
              break;
            }
            budgetHits += 1;
            expect(result.endedBy).toBe('budget');
            expect(used).toBe(Math.max(n, progressCost));
            expect(result.events.length).toBeGreaterThan(0);
            const last = result.events[result.events.length - 1];
            after = { timeKey: last.timeKey, sourceId: last.sourceId, nativeId: last.nativeId };
            hint = keepHint ? result.lastHint : undefined;
          }
          expect(got).toEqual(expectedRemainder(s.events, 'DESC', s.after, s.lowerKey, s.upperKey));
        },
      ),
      { numRuns: 200 },
    );
    // The property is only worth something if the budget actually ran out in many runs.
    expect(budgetHits).toBeGreaterThan(50);
  });

  it('never asks the source for anything but ascending reads', async () => {
    const events = [makeEvent(keyAt(10), 'a'), makeEvent(keyAt(20), 'b')];
    const source = ascendingOnlySource(events, { pageSize: 1 });
    const fetch = source.fetchPage.bind(source);
    const directions: string[] = [];
    source.fetchPage = async (q) => {
      directions.push(q.direction);
      return fetch(q);
    };
    const { ids } = await collect(
      windowedReverseScan(
        source,
        { direction: 'DESC', want: 5, filtering: false, budget: createScanBudget(100) },
        { now: () => BASE_MS + 100 },
      ),
    );
    expect(ids).toEqual(['b', 'a']);
    expect(new Set(directions)).toEqual(new Set(['ASC']));
  });

  // Re-reading a window on the next page repeats the very same native request (same anchor and
  // continuation), which the page cache answers; so the upstream cost is the distinct requests.
  it.each([
    ['9/h, read just after the newest', 400_000, 1_000, 2000],
    ['40/h, read just after the newest', 90_000, 1_000, 2000],
    ['500/h with the default 1 h window', 7_200, 1_000, 2000],
    ['1,500 events in the last hour', 2_400, 1_000, 1500],
    ['10/s', 100, 1_000, 3000],
    ['a quiet last day before 2,000 events at 9/h', 400_000, 86_400_000, 2000],
    ['a quiet last 10 days before 2,000 events at 9/h', 400_000, 10 * 86_400_000, 2000],
    ['a quiet last year before 2,000 events at 40/h', 90_000, 365 * 86_400_000, 2000],
  ])(
    'pages newest first exactly once, every request making progress, at a bounded upstream cost (%s)',
    async (_label, spacingMs, nowAfterMs, count) => {
      const { got, expected, distinct, pages, stalls } = await pageThroughEvenlySpread(spacingMs, nowAfterMs, count);
      expect(stalls).toBe(0);
      expect(got).toEqual(expected);
      expect(distinct).toBeLessThanOrEqual(Math.ceil(count / NATIVE_PAGE) + pages);
    },
  );
});
