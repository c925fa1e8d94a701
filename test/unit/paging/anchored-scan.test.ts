import fc from 'fast-check';
import type { AuditEventRecord } from '../../../src/domain/audit-event';
import { AuditGraphError } from '../../../src/errors';
import { anchoredScan, type AnchoredSource } from '../../../src/paging/anchored-scan';
import type { ScanDirection } from '../../../src/paging/event-order';
import type { SourceHint } from '../../../src/paging/cursor-codec';
import type { EventKey } from '../../../src/paging/event-order';
import { createScanBudget } from '../../../src/paging/scan.types';
import {
  collect,
  expectedRemainder,
  makeEvent,
  mulberry32,
  remembering,
  requestsUntilProgress,
  SOURCE,
  sometimes,
  stableKeysetSource,
  unstableOffsetSource,
  type Counted,
} from './fake-sources';

/** Eight instants a few ms apart, at microsecond precision. */
const INSTANTS = Array.from({ length: 8 }, (_, i) => `2024-02-02T20:48:40.${String(100 + i * 37).padStart(3, '0')}${i}5${i}000Z`);

const idChar = fc.constantFrom('a', 'b', 'c', 'Z', '0', '\u00e9', '\uffff', '\u{1F600}', '\u{10000}');
const idArb = fc.array(idChar, { minLength: 1, maxLength: 4 }).map((chars) => chars.join(''));
/** A position may come from an event of another source of a merged timeline. */
const otherSourceArb = fc.constantFrom('a-other', SOURCE, 'zz-other');
/** Instant 3 is favoured so that one tie group is often larger than the page. */
const instantArb = fc.oneof(fc.constant(3), fc.integer({ min: 0, max: 7 }));

const scenarioArb = fc
  .record({
    raw: fc.uniqueArray(fc.record({ instant: instantArb, id: idArb }), { selector: (r) => r.id, maxLength: 45, size: 'medium' }),
    direction: fc.constantFrom<ScanDirection>('ASC', 'DESC'),
    pageSize: fc.integer({ min: 1, max: 6 }),
    want: fc.integer({ min: 1, max: 25 }),
    seed: fc.integer(),
    // Whether the scan may re-issue a cursor's native request (as when pages are cached).
    replays: fc.boolean(),
    resume: fc.option(
      fc.oneof(
        fc.record({ existing: fc.nat() }),
        fc.record({ instant: fc.integer({ min: 0, max: 7 }), id: idArb, sourceId: otherSourceArb }),
      ),
      { freq: 2 },
    ),
    lower: sometimes(fc.integer({ min: 0, max: 7 })),
    upper: sometimes(fc.integer({ min: 0, max: 8 })),
  })
  .map((s) => {
    const events = s.raw.map((r) => makeEvent(INSTANTS[r.instant], r.id));
    let after: EventKey | undefined;
    if (s.resume && 'existing' in s.resume) {
      if (events.length > 0) {
        const e = events[s.resume.existing % events.length];
        after = { timeKey: e.timeKey, sourceId: e.sourceId, nativeId: e.nativeId };
      }
    } else if (s.resume) after = { timeKey: INSTANTS[s.resume.instant], sourceId: s.resume.sourceId, nativeId: s.resume.id };
    const groups = new Map<string, number>();
    for (const e of events) groups.set(e.timeKey, (groups.get(e.timeKey) ?? 0) + 1);
    return {
      ...s,
      events,
      after,
      lowerKey: s.lower === null ? undefined : INSTANTS[s.lower],
      upperKey: s.upper === null ? undefined : s.upper === 8 ? '2024-02-02T20:48:41.000000000Z' : INSTANTS[s.upper],
      maxGroup: Math.max(0, ...groups.values()),
    };
  });

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function randomTieRank(seed: number) {
  const ranks = new Map<string, number>();
  const random = mulberry32(seed);
  return (direction: ScanDirection, e: AuditEventRecord) => {
    const key = `${direction}|${e.nativeId}`;
    if (!ranks.has(key)) ranks.set(key, random());
    return ranks.get(key)!;
  };
}

const withReplays = <S extends AnchoredSource>(source: S, replays: boolean): S => (replays ? remembering(source) : source);

const kinds = {
  stable: (s: Scenario) => withReplays(stableKeysetSource(s.events, { pageSize: s.pageSize, tieRank: randomTieRank(s.seed) }), s.replays),
  unstable: (s: Scenario) => withReplays(unstableOffsetSource(s.events, { pageSize: s.pageSize, seed: s.seed }), s.replays),
} as const;

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])('anchoredScan over a %s source', (kind) => {
  const makeSource = kinds[kind];

  it('yields every event in range after the resume position exactly once, in the timeline order', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const source = makeSource(s);
        const result = await collect(
          anchoredScan(source, {
            direction: s.direction,
            after: s.after,
            lower: s.lowerKey,
            upper: s.upperKey,
            want: s.want,
            filtering: false,
            budget: createScanBudget(1_000_000),
          }),
        );
        expect(result.ids).toEqual(expectedRemainder(s.events, s.direction, s.after, s.lowerKey, s.upperKey));
        expect(result.endedBy).toBe('end');
        expect(result.items.filter((i) => i.kind === 'end')).toHaveLength(1);
      }),
      { numRuns: 250 },
    );
  });

  it('stops after n native requests with a budget of n (or once it first progresses), and resuming from the last yielded event loses nothing', async () => {
    let budgetHits = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.integer({ min: 0, max: 6 }), fc.boolean(), async (s, n, keepHint) => {
        const source = makeSource(s);
        const got: string[] = [];
        let after = s.after;
        let hint: SourceHint | undefined;
        for (let call = 0; ; call++) {
          if (call > 300) throw new Error('scan does not terminate');
          // With keepHint the scan also gets the hint of the batch it resumes after, as cursors carry it.
          const request = { direction: s.direction, after, hint, lower: s.lowerKey, upper: s.upperKey, want: s.want, filtering: true };
          // Requests needed to hand out something new: a budget never stops a scan before that.
          const progressCost = await requestsUntilProgress(makeSource(s), (src) =>
            anchoredScan(src, { ...request, budget: createScanBudget(1_000_000) }),
          );
          const before = source.total();
          const result = await collect(anchoredScan(source, { ...request, budget: createScanBudget(n) }));
          const used = source.total() - before;
          got.push(...result.ids);
          if (result.endedBy === 'end') {
            expect(used).toBeLessThanOrEqual(Math.max(n, progressCost));
            break;
          }
          budgetHits += 1;
          expect(result.endedBy).toBe('budget');
          if (s.replays) {
            // A recalled page costs nothing: the scan may progress sooner than one that anchors afresh.
            expect(used).toBeGreaterThanOrEqual(n);
            expect(used).toBeLessThanOrEqual(Math.max(n, progressCost));
          } else expect(used).toBe(Math.max(n, progressCost));
          expect(result.events.length).toBeGreaterThan(0);
          const last = result.events[result.events.length - 1];
          after = { timeKey: last.timeKey, sourceId: last.sourceId, nativeId: last.nativeId };
          hint = keepHint ? result.lastHint : undefined;
        }
        expect(got).toEqual(expectedRemainder(s.events, s.direction, s.after, s.lowerKey, s.upperKey));
      }),
      { numRuns: 200 },
    );
    // The property is only worth something if the budget actually ran out in many runs.
    expect(budgetHits).toBeGreaterThan(50);
  });
});

describe('anchoredScan resuming from a cursor token', () => {
  const T = INSTANTS;
  // 24 events, three per instant; native pages of 9, newest first.
  const events = T.flatMap((t, i) => ['x', 'y', 'z'].map((id) => makeEvent(t, `${i}${id}`)));
  const byId = (_d: ScanDirection, e: AuditEventRecord) => (e.nativeId < 'm' ? 0 : 1);

  async function firstPageThenResume(replays: boolean) {
    const source = withReplays(stableKeysetSource(events, { pageSize: 9, tieRank: byId }), replays);
    const first = anchoredScan(source, { direction: 'DESC', want: 5, filtering: false, budget: createScanBudget(100) });
    const taken: AuditEventRecord[] = [];
    let hint: SourceHint | undefined;
    for await (const item of first) {
      if (item.kind !== 'events') continue;
      for (const event of item.events) {
        if (taken.length < 5) {
          taken.push(event);
          hint = item.hint;
        }
      }
      if (taken.length >= 5) break;
    }
    const last = taken[taken.length - 1];
    const before = source.total();
    const queries: unknown[] = [];
    const fetchPage = source.fetchPage.bind(source);
    source.fetchPage = async (query) => {
      queries.push(query);
      return fetchPage(query);
    };
    const resumed = anchoredScan(source, {
      direction: 'DESC',
      after: { timeKey: last.timeKey, sourceId: last.sourceId, nativeId: last.nativeId },
      hint,
      want: 4,
      filtering: false,
      budget: createScanBudget(100),
    });
    const next: string[] = [];
    for await (const item of resumed) {
      if (item.kind === 'events') next.push(...item.events.map((e) => e.nativeId));
      if (next.length >= 4) break;
    }
    await resumed.return(undefined);
    return { taken: taken.map((e) => e.nativeId), next: next.slice(0, 4), requests: source.total() - before, queries };
  }

  it('without a page cache, anchors at its position: one native request for the next page, not a replay of the last', async () => {
    const { taken, next, requests, queries } = await firstPageThenResume(false);
    expect(taken).toEqual(['7z', '7y', '7x', '6z', '6y']);
    expect(next).toEqual(['6x', '5z', '5y', '5x']);
    // A replay of the first request would need a second one: its last instant (5) continues past it.
    expect(requests).toBe(1);
    expect(queries[0]).toMatchObject({ anchor: { timeKey: T[6], exclusive: false } });
  });

  it('with a source that recalls pages (a page cache), replays the native request its cursor token names for nothing', async () => {
    const { next, requests, queries } = await firstPageThenResume(true);
    expect(next).toEqual(['6x', '5z', '5y', '5x']);
    // The recalled first page ends inside instant 5: only the request after it reaches the provider.
    expect(requests).toBe(1);
    expect(queries[0]).toMatchObject({ direction: 'DESC', anchor: undefined, continuation: expect.any(String) });
  });
});

describe('anchoredScan examples', () => {
  const T = INSTANTS;
  // Seven events in one instant, more than a page, plus neighbours; ids deliberately not in insertion order.
  const events = [
    makeEvent(T[0], 'early'),
    ...['g', 'c', '\u{1F600}', 'a', '\uffff', 'e', 'b'].map((id) => makeEvent(T[1], id)),
    makeEvent(T[2], 'late'),
  ];

  it('orders a tie group larger than the page by native id, whatever the provider’s tie order', async () => {
    const reverseInsertion = (_d: ScanDirection, e: AuditEventRecord) => -events.indexOf(e);
    for (const direction of ['ASC', 'DESC'] as const) {
      const source = stableKeysetSource(events, { pageSize: 2, tieRank: reverseInsertion });
      const { ids } = await collect(anchoredScan(source, { direction, want: 3, filtering: false, budget: createScanBudget(100) }));
      const asc = ['early', 'a', 'b', 'c', 'e', 'g', '\uffff', '\u{1F600}', 'late'];
      expect(ids).toEqual(direction === 'ASC' ? asc : [...asc].reverse());
    }
  });

  it('reads an instant that fills a whole page on its own from a reshuffling source', async () => {
    const source = unstableOffsetSource(events, { pageSize: 3, seed: 7 });
    const { ids } = await collect(
      anchoredScan(source, {
        direction: 'DESC',
        after: { timeKey: T[1], sourceId: SOURCE, nativeId: '\uffff' },
        want: 3,
        filtering: false,
        budget: createScanBudget(100),
      }),
    );
    expect(ids).toEqual(['g', 'e', 'c', 'b', 'a', 'early']);
    expect(source.calls.instant).toBeGreaterThan(0);
  });

  it('even with a budget of 0, hands out the first complete instant before reporting the budget', async () => {
    const source = stableKeysetSource(events, { pageSize: 2, tieRank: () => 0 });
    const result = await collect(anchoredScan(source, { direction: 'ASC', want: 3, filtering: false, budget: createScanBudget(0) }));
    expect(result.ids).toEqual(['early']);
    expect(result.endedBy).toBe('budget');
    expect(source.total()).toBe(1);
  });

  it('fails with UPSTREAM_BAD_RESPONSE naming the source when pages keep coming back empty but claim more', async () => {
    let calls = 0;
    const source: AnchoredSource = {
      sourceId: 'losant-eu',
      continuation: 'stable',
      pageSize: () => 10,
      fetchPage: async () => ({ events: [], continuation: `c${++calls}` }),
    };
    const error = await collect(anchoredScan(source, { direction: 'ASC', want: 3, filtering: false, budget: createScanBudget(100) })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuditGraphError);
    expect((error as AuditGraphError).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect((error as AuditGraphError).extensions.source).toBe('losant-eu');
    expect((error as AuditGraphError).message).toContain('losant-eu');
    expect(calls).toBeLessThan(10);
  });

  it('drops events a provider returns outside the anchor or the caller’s range', async () => {
    // A sloppy provider that ignores every bound.
    const sloppy: AnchoredSource & Partial<Counted> = {
      sourceId: SOURCE,
      continuation: 'stable',
      pageSize: () => 100,
      fetchPage: async () => ({ events, continuation: null }),
    };
    const { ids } = await collect(
      anchoredScan(sloppy, {
        direction: 'ASC',
        after: { timeKey: T[1], sourceId: SOURCE, nativeId: 'c' },
        upper: T[2],
        want: 3,
        filtering: false,
        budget: createScanBudget(100),
      }),
    );
    expect(ids).toEqual(['e', 'g', '\uffff', '\u{1F600}']);
  });

  // One second of Zendesk or Nirvana may hold more logs (a bulk job) than budget x page size: the
  // held instant must still be finished, or a resumed page would start at the same place forever.
  it('passes an instant holding more events than one request’s budget can read', async () => {
    const tied = Array.from({ length: 1100 }, (_, i) => makeEvent(T[1], `t${String(i).padStart(4, '0')}`));
    const all = [makeEvent(T[0], 'early'), ...tied, makeEvent(T[2], 'late')];
    const source = stableKeysetSource(all, { pageSize: 100, tieRank: (_d, e) => all.indexOf(e) });
    let after: EventKey | undefined;
    const got: string[] = [];
    for (let call = 0; call < 20; call++) {
      const result = await collect(
        anchoredScan(source, { direction: 'ASC', after, want: 21, filtering: true, budget: createScanBudget(10) }),
      );
      got.push(...result.ids);
      if (result.endedBy === 'end') break;
      expect(result.events.length).toBeGreaterThan(0);
      const last = result.events[result.events.length - 1];
      after = { timeKey: last.timeKey, sourceId: last.sourceId, nativeId: last.nativeId };
    }
    expect(got).toEqual(expectedRemainder(all, 'ASC'));
  });
});
