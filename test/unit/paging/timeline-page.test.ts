import fc from 'fast-check';
import type { AuditEventRecord, EventOrder } from '../../../src/domain/audit-event';
import { AuditGraphError } from '../../../src/errors';
import { parsePageRequest, type ConnectionArgs } from '../../../src/paging/connection-args';
import { CursorCodec } from '../../../src/paging/cursor-codec';
import type { ScanItem, ScanRequest, SourceScanner } from '../../../src/paging/scan.types';
import { buildTimelinePage, type BuiltPage, type TimelineSource } from '../../../src/paging/timeline-page';
import { makeEvent, referenceCompare, SOURCE } from './fake-sources';

const codec = new CursorCodec('builder-test-secret');
const BINDING = 'binding-digest-1';

const key = (i: number) => `2024-03-01T10:00:${String(Math.floor(i / 3)).padStart(2, '0')}.${String(i % 3).padStart(3, '0')}000000Z`;
/** Twelve events over four seconds, ids not in time order. */
const EVENTS: AuditEventRecord[] = Array.from({ length: 12 }, (_, i) => makeEvent(key(i), `id-${String.fromCharCode(108 - i)}`));
const sorted = (events: readonly AuditEventRecord[], order: EventOrder = 'OLDEST_FIRST') =>
  [...events].sort((a, b) => referenceCompare(order === 'OLDEST_FIRST' ? 'ASC' : 'DESC', a, b)).map((e) => `${e.sourceId}/${e.nativeId}`);
const ASC = sorted(EVENTS);

interface FakeScanner extends SourceScanner {
  readonly requests: ScanRequest[];
  /** When set, the scan throws this after handing out `failAfterBatches` batches. */
  failure?: Error;
  failAfterBatches?: number;
}

/** A scanner over an in-memory list: batches of `batch` events, one budget unit each. */
function fakeScanner(events: readonly AuditEventRecord[], batch = 3): FakeScanner {
  const scanner: FakeScanner = {
    requests: [],
    async *scan(request): AsyncGenerator<ScanItem, void, undefined> {
      scanner.requests.push(request);
      const remaining = events
        .filter(
          (e) => (request.lower === undefined || e.timeKey >= request.lower) && (request.upper === undefined || e.timeKey < request.upper),
        )
        .filter((e) => request.after === undefined || referenceCompare(request.direction, e, request.after) > 0)
        .sort((a, b) => referenceCompare(request.direction, a, b));
      let batches = 0;
      for (let i = 0; i < remaining.length; i += batch) {
        if (scanner.failure && batches >= (scanner.failAfterBatches ?? 0)) throw scanner.failure;
        if (!request.budget.take()) {
          yield { kind: 'budget' };
          return;
        }
        batches += 1;
        yield { kind: 'events', events: remaining.slice(i, i + batch) };
      }
      if (scanner.failure && batches >= (scanner.failAfterBatches ?? 0)) throw scanner.failure;
      yield { kind: 'end' };
    },
  };
  return scanner;
}

interface PageOptions {
  order?: EventOrder;
  matches?: (e: AuditEventRecord) => boolean;
  budget?: number;
  sources?: TimelineSource[];
  lower?: string;
  upper?: string;
  onSourceError?: 'FAIL' | 'PARTIAL';
  signEveryEdge?: boolean;
}

async function page(args: ConnectionArgs, options: PageOptions = {}): Promise<BuiltPage> {
  return buildTimelinePage({
    sources: options.sources ?? [{ sourceId: SOURCE, scanner: fakeScanner(EVENTS), filtering: options.matches !== undefined }],
    order: options.order ?? 'OLDEST_FIRST',
    request: parsePageRequest(args),
    codec,
    binding: BINDING,
    lower: options.lower,
    upper: options.upper,
    matches: options.matches ?? (() => true),
    onSourceError: options.onSourceError ?? 'FAIL',
    budgetPerSource: options.budget ?? 1000,
    signEveryEdge: options.signEveryEdge,
  });
}

const ids = (p: BuiltPage) => p.edges.map((e) => `${e.node.sourceId}/${e.node.nativeId}`);
const positionOf = (cursor: string | null) => (cursor === null ? null : codec.decode(cursor, BINDING).k);
/** Where a cursor resumes one source: its own position when the cursor carries one, else the cursor's. */
const sourcePositionOf = (cursor: string | null, sourceId: string) => {
  if (cursor === null) return null;
  const payload = codec.decode(cursor, BINDING);
  const own = payload.s?.[sourceId]?.k;
  return own === undefined ? payload.k : own;
};

/** Pages a whole timeline; returns events in the requested order and the number of pages. */
async function pageThrough(size: number, direction: 'forward' | 'backward', options: PageOptions, maxPages = 200) {
  const got: string[] = [];
  let cursor: string | null = null;
  for (let n = 1; n <= maxPages; n++) {
    const args: ConnectionArgs = direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
    const p = await page(args, options);
    const pageIds = ids(p);
    if (direction === 'forward') got.push(...pageIds);
    else got.unshift(...pageIds);
    const more = direction === 'forward' ? p.pageInfo.hasNextPage : p.pageInfo.hasPreviousPage;
    if (!more) return { got, pages: n };
    const next = direction === 'forward' ? p.pageInfo.endCursor : p.pageInfo.startCursor;
    expect(next).not.toBeNull();
    cursor = next;
  }
  throw new Error('paging did not end');
}

describe('buildTimelinePage over one source', () => {
  it('pages forward oldest first with correct pageInfo and cursors that point at their edge', async () => {
    const first = await page({ first: 5 });
    expect(ids(first)).toEqual(ASC.slice(0, 5));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    for (const edge of first.edges) expect(positionOf(edge.cursor)).toEqual([edge.node.timeKey, SOURCE, edge.node.nativeId]);
    expect(first.pageInfo.startCursor).toBe(first.edges[0].cursor);
    expect(first.pageInfo.endCursor).toBe(first.edges[4].cursor);

    const second = await page({ first: 5, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(ASC.slice(5, 10));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const third = await page({ first: 5, after: second.pageInfo.endCursor });
    expect(ids(third)).toEqual(ASC.slice(10));
    expect(third.pageInfo.hasNextPage).toBe(false);
  });

  it('says there is no next page when a page ends exactly at the last event', async () => {
    const all = await page({ first: 12 });
    expect(ids(all)).toEqual(ASC);
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect((await page({ first: 11 })).pageInfo.hasNextPage).toBe(true);
    const after = await page({ first: 5, after: all.pageInfo.endCursor });
    expect(after.edges).toEqual([]);
    expect(after.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: null });
  });

  it('pages forward newest first', async () => {
    const first = await page({ first: 4 }, { order: 'NEWEST_FIRST' });
    expect(ids(first)).toEqual([...ASC].reverse().slice(0, 4));
    const next = await page({ first: 4, after: first.pageInfo.endCursor }, { order: 'NEWEST_FIRST' });
    expect(ids(next)).toEqual([...ASC].reverse().slice(4, 8));
  });

  it('pages backward with last/before, edges still in the requested order', async () => {
    const tail = await page({ last: 3 });
    expect(ids(tail)).toEqual(ASC.slice(9));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(tail.pageInfo.startCursor).toBe(tail.edges[0].cursor);
    expect(tail.pageInfo.endCursor).toBe(tail.edges[2].cursor);

    const before = await page({ last: 3, before: tail.pageInfo.startCursor });
    expect(ids(before)).toEqual(ASC.slice(6, 9));
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });

    const head = await page({ last: 10, before: before.pageInfo.startCursor });
    expect(ids(head)).toEqual(ASC.slice(0, 6));
    expect(head.pageInfo.hasPreviousPage).toBe(false);

    expect(ids(await page({ last: 3 }, { order: 'NEWEST_FIRST' }))).toEqual([...ASC].reverse().slice(9));
  });

  it('a forward cursor used backward returns what came before it', async () => {
    const first = await page({ first: 6 });
    expect(ids(await page({ last: 2, before: first.edges[4].cursor }))).toEqual(ASC.slice(2, 4));
  });

  it('answers first: 0 with no edges but says whether events exist', async () => {
    const zero = await page({ first: 0 });
    expect(zero.edges).toEqual([]);
    expect(zero.pageInfo.hasNextPage).toBe(true);
    const empty = await page({ first: 0 }, { sources: [{ sourceId: SOURCE, scanner: fakeScanner([]), filtering: false }] });
    expect(empty.pageInfo.hasNextPage).toBe(false);
  });

  it('applies the filter predicate to every event', async () => {
    const even = (e: AuditEventRecord) => ASC.indexOf(`${e.sourceId}/${e.nativeId}`) % 2 === 0;
    const first = await page({ first: 3 }, { matches: even });
    expect(ids(first)).toEqual([ASC[0], ASC[2], ASC[4]]);
    const next = await page({ first: 3, after: first.pageInfo.endCursor }, { matches: even });
    expect(ids(next)).toEqual([ASC[6], ASC[8], ASC[10]]);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it('passes the time bounds to the scanner', async () => {
    expect(ids(await page({ first: 20 }, { lower: key(3), upper: key(6) }))).toEqual(ASC.slice(3, 6));
  });

  it('when the budget runs out, returns a short page with hasNextPage and an endCursor after the last scanned event', async () => {
    // Only two events match; batches of 3 cost one budget unit each; a budget of 2 scans 6 events.
    const wanted = new Set([ASC[1], ASC[10]]);
    const matches = (e: AuditEventRecord) => wanted.has(`${e.sourceId}/${e.nativeId}`);
    const short = await page({ first: 5 }, { matches, budget: 2 });
    expect(ids(short)).toEqual([ASC[1]]);
    expect(short.pageInfo.hasNextPage).toBe(true);
    const lastScanned = EVENTS.find((e) => `${e.sourceId}/${e.nativeId}` === ASC[5])!;
    expect(sourcePositionOf(short.pageInfo.endCursor, SOURCE)).toEqual([lastScanned.timeKey, SOURCE, lastScanned.nativeId]);

    const rest = await page({ first: 5, after: short.pageInfo.endCursor }, { matches, budget: 2 });
    expect(ids(rest)).toEqual([ASC[10]]);
    const end = await page({ first: 5, after: rest.pageInfo.endCursor }, { matches, budget: 2 });
    expect(ids(end)).toEqual([]);
    expect(end.pageInfo.hasNextPage).toBe(false);
  });

  it('resumes where budget-short pages stopped, in every order and direction, losing nothing', async () => {
    const matches = (e: AuditEventRecord) => ASC.indexOf(`${e.sourceId}/${e.nativeId}`) % 4 === 1;
    const matching = ASC.filter((_, i) => i % 4 === 1);
    for (const order of ['OLDEST_FIRST', 'NEWEST_FIRST'] as const) {
      for (const direction of ['forward', 'backward'] as const) {
        const { got } = await pageThrough(2, direction, { order, matches, budget: 1 });
        expect({ order, direction, got }).toEqual({ order, direction, got: order === 'OLDEST_FIRST' ? matching : [...matching].reverse() });
      }
    }
  });

  it('when the budget runs out before anything is scanned, hands back a cursor at the same place', async () => {
    const none = await page({ first: 5 }, { budget: 0 });
    expect(none.edges).toEqual([]);
    expect(none.pageInfo.hasNextPage).toBe(true);
    expect(sourcePositionOf(none.pageInfo.endCursor, SOURCE)).toBeNull();
    const first = await page({ first: 2 });
    const stuck = await page({ first: 5, after: first.pageInfo.endCursor }, { budget: 0 });
    expect(sourcePositionOf(stuck.pageInfo.endCursor, SOURCE)).toEqual(positionOf(first.pageInfo.endCursor));
  });

  it('rejects a cursor that names a source the query does not read with INVALID_CURSOR', async () => {
    const foreign = codec.encode({ b: BINDING, k: [key(1), 'other-source', 'id-x'] });
    await expect(page({ first: 2, after: foreign })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(page({ last: 2, before: foreign })).rejects.toBeInstanceOf(AuditGraphError);
  });

  it('rejects a cursor made for another binding or tampered with', async () => {
    const other = codec.encode({ b: 'another-binding', k: [key(1), SOURCE, 'id-x'] });
    await expect(page({ first: 2, after: other })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    const first = await page({ first: 2 });
    const end = first.pageInfo.endCursor!;
    const tampered = `${end.slice(0, 10)}${end[10] === 'x' ? 'y' : 'x'}${end.slice(11)}`;
    await expect(page({ first: 2, after: tampered })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('hands a scan’s hint back to the scan that resumes from its cursor', async () => {
    const scanner: SourceScanner = {
      async *scan() {
        yield { kind: 'events', events: EVENTS.slice(0, 2), hint: { w: 5000 } };
        yield { kind: 'end' };
      },
    };
    const p = await page({ first: 1 }, { sources: [{ sourceId: SOURCE, scanner, filtering: false }] });
    const seen: ScanRequest[] = [];
    await page(
      { first: 1, after: p.pageInfo.endCursor },
      {
        sources: [
          {
            sourceId: SOURCE,
            filtering: false,
            scanner: {
              async *scan(request) {
                seen.push(request);
                yield { kind: 'end' };
              },
            },
          },
        ],
      },
    );
    expect(seen[0].hint).toMatchObject({ w: 5000 });
    expect(seen[0].after).toEqual({ timeKey: EVENTS[0].timeKey, sourceId: SOURCE, nativeId: EVENTS[0].nativeId });
  });
});

describe('buildTimelinePage over several sources', () => {
  // Three sources sharing instants, so ties across sources are common.
  const merged = (seed: number) => {
    const names = ['zendesk', 'lr-web', 'losant'];
    return names.map((sourceId, s) =>
      Array.from({ length: 7 + s }, (_, i) =>
        makeEvent(key((i * (s + 2) + seed) % 9), `${String.fromCharCode(97 + ((i * 5 + s) % 7))}${i}`, sourceId),
      ),
    );
  };

  it('merges sources into one timeline ordered by time, then source name, then native id', async () => {
    const perSource = merged(0);
    const sources = perSource.map((events, i) => ({ sourceId: events[0].sourceId, scanner: fakeScanner(events, i + 1), filtering: false }));
    const all = perSource.flat();
    expect(ids(await page({ first: 100 }, { sources }))).toEqual(sorted(all));
    expect(ids(await page({ first: 100 }, { sources, order: 'NEWEST_FIRST' }))).toEqual(sorted(all, 'NEWEST_FIRST'));
  });

  it('pages a merged timeline exactly once for any page size, order, direction, filter and budget', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<EventOrder>('OLDEST_FIRST', 'NEWEST_FIRST'),
        fc.constantFrom<'forward' | 'backward'>('forward', 'backward'),
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 0, max: 3 })),
        async (seed, size, order, direction, budget, modulo) => {
          const perSource = merged(seed);
          const sources = perSource.map((events, i) => ({
            sourceId: events[0].sourceId,
            scanner: fakeScanner(events, i + 1),
            filtering: modulo !== null,
          }));
          const matches = (e: AuditEventRecord) => modulo === null || e.nativeId.length % 4 !== modulo;
          const { got } = await pageThrough(size, direction, { sources, order, matches, budget });
          expect(got).toEqual(sorted(perSource.flat().filter(matches), order));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('signs the same edge cursors lazily (when read) as up front, for any page of a merged timeline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<EventOrder>('OLDEST_FIRST', 'NEWEST_FIRST'),
        fc.constantFrom<'forward' | 'backward'>('forward', 'backward'),
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 0, max: 3 })),
        async (seed, size, order, direction, budget, failAfter) => {
          // Every batch carries a hint of its own, and one source may fail (PARTIAL) mid-page:
          // the per-edge parts of a cursor (hints, a failed source's frozen position) all differ.
          const hinted = (scanner: FakeScanner, sourceId: string): SourceScanner => ({
            async *scan(request) {
              let n = 0;
              for await (const item of scanner.scan(request))
                yield item.kind === 'events' ? { ...item, hint: { t: { d: 'A', c: `${sourceId}-${n++}` } } } : item;
            },
          });
          const sourcesOf = (failing: boolean) =>
            merged(seed).map((events, i) => {
              const scanner = fakeScanner(events, i + 1);
              if (failing && i === 0 && failAfter !== null) {
                scanner.failure = new AuditGraphError('UPSTREAM_UNAVAILABLE', 'down', { source: events[0].sourceId });
                scanner.failAfterBatches = failAfter;
              }
              return { sourceId: events[0].sourceId, scanner: hinted(scanner, events[0].sourceId), filtering: false };
            });
          const first = await page({ first: size }, { sources: sourcesOf(false), order, budget });
          // From a cursor, so that both pages belong to one walk (a first page draws a new walk id).
          const args: ConnectionArgs =
            direction === 'forward' ? { first: size, after: first.pageInfo.endCursor } : { last: size, before: first.pageInfo.endCursor };
          const options = { order, budget, onSourceError: 'PARTIAL' as const };
          const eager = await page(args, { ...options, sources: sourcesOf(true), signEveryEdge: true });
          const lazy = await page(args, { ...options, sources: sourcesOf(true), signEveryEdge: false });
          expect(lazy.pageInfo).toEqual(eager.pageInfo);
          expect(lazy.edges.map((e) => e.cursor)).toEqual(eager.edges.map((e) => e.cursor));
          expect(ids(lazy)).toEqual(ids(eager));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('with onSourceError FAIL, fails the page naming the failed source', async () => {
    const [a, b] = merged(1);
    const broken = fakeScanner(b);
    broken.failure = new AuditGraphError('UPSTREAM_UNAVAILABLE', 'Source "lr-web" is failing (HTTP 503).', { source: 'lr-web' });
    const error = await page(
      { first: 5 },
      {
        sources: [
          { sourceId: 'zendesk', scanner: fakeScanner(a), filtering: false },
          { sourceId: 'lr-web', scanner: broken, filtering: false },
        ],
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditGraphError);
    expect((error as AuditGraphError).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((error as AuditGraphError).extensions.source).toBe('lr-web');
  });

  /** Pages with PARTIAL while `lr-web` fails after `failAfterBatches` batches, until it recovers at page 3. */
  async function pageThroughFlaky(failAfterBatches: number) {
    const [a, b] = merged(2);
    const flaky = fakeScanner(b, 2);
    flaky.failAfterBatches = failAfterBatches;
    flaky.failure = new AuditGraphError('UPSTREAM_TIMEOUT', 'Source "lr-web" did not answer in time.', { source: 'lr-web' });
    const sources = [
      { sourceId: 'zendesk', scanner: fakeScanner(a), filtering: false },
      { sourceId: 'lr-web', scanner: flaky, filtering: false },
    ];
    const got: string[] = [];
    const errors: unknown[][] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 50; n++) {
      if (n === 3) flaky.failure = undefined; // the provider recovers
      const p = await page({ first: 3, after: cursor }, { sources, onSourceError: 'PARTIAL' });
      if (p.sourceErrors.length > 0) {
        errors.push(p.sourceErrors.map((e) => [e.code, e.extensions.source]));
        expect(p.pageInfo.hasNextPage).toBe(true);
      }
      got.push(...ids(p));
      if (!p.pageInfo.hasNextPage) break;
      cursor = p.pageInfo.endCursor;
    }
    return { got, errors, expected: sorted([...a, ...b]) };
  }

  it('with PARTIAL, returns the other sources plus an error naming the failed one, and keeps its position', async () => {
    const { got, errors, expected } = await pageThroughFlaky(0);
    expect(errors).toEqual([[['UPSTREAM_TIMEOUT', 'lr-web']], [['UPSTREAM_TIMEOUT', 'lr-web']], [['UPSTREAM_TIMEOUT', 'lr-web']]]);
    // Nothing of the failed source is lost; it comes late, but never twice.
    expect([...got].sort()).toEqual([...expected].sort());
    expect(new Set(got).size).toBe(got.length);
  });

  // A source that yields some events and then fails within one page: its events stay in the page,
  // but every cursor of the page resets that source to where the page started (timeline-page.ts,
  // `c.state === 'failed' ? start : ...`), so the next page hands the same events out again.
  it('with PARTIAL, events a source gave before failing in the same page are not handed out twice', async () => {
    const { got, expected } = await pageThroughFlaky(1);
    expect(new Set(got).size).toBe(got.length);
    expect([...got].sort()).toEqual([...expected].sort());
  });

  it('rejects a cursor that names a source outside the query', async () => {
    const [a, b] = merged(0);
    const sources = [
      { sourceId: 'zendesk', scanner: fakeScanner(a), filtering: false },
      { sourceId: 'lr-web', scanner: fakeScanner(b), filtering: false },
    ];
    const foreign = codec.encode({ b: BINDING, k: [key(1), 'losant', 'x'] });
    await expect(page({ first: 2, after: foreign }, { sources })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });
});
