import fc from 'fast-check';
import type { AuditEventRecord } from '../../../src/domain/audit-event';
import type { AnchoredSource, NativePage, NativeQuery } from '../../../src/paging/anchored-scan';
import type { EventKey, ScanDirection } from '../../../src/paging/event-order';
import type { ScanItem } from '../../../src/paging/scan.types';
import { epochMsOfTimeKey, timeKeyFromEpochMs } from '../../../src/paging/time-key';

export const SOURCE = 'src';

/** A minimal event at a time key. */
export function makeEvent(timeKey: string, nativeId: string, sourceId = SOURCE): AuditEventRecord {
  return {
    sourceId,
    nativeId,
    occurredAt: timeKey,
    timeKey,
    action: 'act',
    description: null,
    actor: { id: null, name: null, email: null, type: 'SYSTEM' },
    target: null,
    ipAddress: null,
    userAgent: null,
    request: null,
    raw: { id: nativeId },
  };
}

function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign(x[i] - y[i]);
  return Math.sign(x.length - y.length);
}

/** Reference order, written independently of src: time key, then source name, then native id, by code point. */
export function referenceCompare(direction: ScanDirection, a: EventKey, b: EventKey): number {
  const cmp =
    a.timeKey !== b.timeKey
      ? a.timeKey < b.timeKey
        ? -1
        : 1
      : byCodePoints(a.sourceId, b.sourceId) || byCodePoints(a.nativeId, b.nativeId);
  return direction === 'ASC' ? cmp : -cmp;
}

/** What a correct scan must yield: events in range and after `after`, in the timeline order. */
export function expectedRemainder(
  events: readonly AuditEventRecord[],
  direction: ScanDirection,
  after?: EventKey,
  lower?: string,
  upper?: string,
): string[] {
  return events
    .filter((e) => (lower === undefined || e.timeKey >= lower) && (upper === undefined || e.timeKey < upper))
    .filter((e) => after === undefined || referenceCompare(direction, e, after) > 0)
    .sort((a, b) => referenceCompare(direction, a, b))
    .map((e) => e.nativeId);
}

/** Small deterministic PRNG, so shuffles differ per call but failures replay. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function timeIn(direction: ScanDirection, a: string, b: string): number {
  if (a === b) return 0;
  return a < b === (direction === 'ASC') ? -1 : 1;
}

function inQuery(query: Pick<NativeQuery, 'direction' | 'anchor' | 'lower' | 'upper'>, e: AuditEventRecord): boolean {
  if (query.lower !== undefined && e.timeKey < query.lower) return false;
  if (query.upper !== undefined && e.timeKey >= query.upper) return false;
  if (query.anchor) {
    const cmp = timeIn(query.direction, e.timeKey, query.anchor.timeKey);
    if (query.anchor.exclusive ? cmp <= 0 : cmp < 0) return false;
  }
  return true;
}

/** Counts native requests. */
export interface Counted {
  readonly calls: { page: number; instant: number };
  readonly total: () => number;
}

/**
 * (a) Keyset-cursor source (Zendesk/Nirvana-like): time order in both directions, but ties in its
 * own per-direction order given by `tieRank` — not ours, and newest-first is not the reverse of
 * oldest-first within an instant. The continuation names the last returned item.
 */
export function stableKeysetSource(
  events: readonly AuditEventRecord[],
  options: { pageSize: number; tieRank: (direction: ScanDirection, e: AuditEventRecord) => number; sourceId?: string },
): AnchoredSource & Counted {
  const calls = { page: 0, instant: 0 };
  const native = (direction: ScanDirection) =>
    [...events].sort((a, b) => timeIn(direction, a.timeKey, b.timeKey) || options.tieRank(direction, a) - options.tieRank(direction, b));
  return {
    sourceId: options.sourceId ?? SOURCE,
    continuation: 'stable',
    calls,
    total: () => calls.page + calls.instant,
    pageSize: () => options.pageSize,
    async fetchPage(query: NativeQuery): Promise<NativePage> {
      calls.page += 1;
      const list = native(query.direction).filter((e) => inQuery(query, e));
      let start = 0;
      if (query.continuation !== undefined) {
        const index = list.findIndex((e) => e.nativeId === query.continuation);
        if (index < 0) throw new Error(`fake: unknown continuation ${query.continuation}`);
        start = index + 1;
      }
      const page = list.slice(start, start + query.pageSize);
      const more = start + query.pageSize < list.length;
      return { events: page, continuation: more ? page[page.length - 1].nativeId : null };
    },
  };
}

/**
 * (b) Offset source (Losant-like): ties come back in a new random order on every call, and
 * continuations are offsets that only stay right if nothing reshuffles.
 */
export function unstableOffsetSource(
  events: readonly AuditEventRecord[],
  options: { pageSize: number; seed: number; sourceId?: string },
): AnchoredSource & Counted {
  const calls = { page: 0, instant: 0 };
  const random = mulberry32(options.seed);
  return {
    sourceId: options.sourceId ?? SOURCE,
    continuation: 'unstable',
    calls,
    total: () => calls.page + calls.instant,
    pageSize: () => options.pageSize,
    async fetchPage(query: NativeQuery): Promise<NativePage> {
      calls.page += 1;
      const list = shuffle(
        events.filter((e) => inQuery(query, e)),
        random,
      ).sort((a, b) => timeIn(query.direction, a.timeKey, b.timeKey));
      const offset = query.continuation === undefined ? 0 : Number(query.continuation);
      const page = list.slice(offset, offset + query.pageSize);
      return { events: page, continuation: offset + query.pageSize < list.length ? String(offset + query.pageSize) : null };
    },
    async fetchInstant(timeKey, query) {
      calls.instant += 1;
      return shuffle(
        events.filter((e) => e.timeKey === timeKey && inQuery({ direction: 'ASC', ...query }, e)),
        random,
      );
    },
  };
}

/**
 * (c) Ascending-only, forward-only source (LogRocket-like): the start is an epoch-ms timestamp (so
 * anchors are floored to the millisecond), no end bound, ties in insertion order, keyset cursors.
 */
export function ascendingOnlySource(
  events: readonly AuditEventRecord[],
  options: { pageSize: number; sourceId?: string },
): AnchoredSource & Counted & { distinct: Set<string> } {
  const calls = { page: 0, instant: 0 };
  /** Distinct requests: what a perfect page cache in front of the provider would let through. */
  const distinct = new Set<string>();
  const native = [...events]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => timeIn('ASC', a.e.timeKey, b.e.timeKey) || a.i - b.i)
    .map(({ e }) => e);
  return {
    sourceId: options.sourceId ?? SOURCE,
    continuation: 'stable',
    calls,
    distinct,
    total: () => calls.page + calls.instant,
    pageSize: () => options.pageSize,
    async fetchPage(query: NativeQuery): Promise<NativePage> {
      calls.page += 1;
      distinct.add(JSON.stringify([query.anchor, query.lower, query.continuation, query.pageSize]));
      if (query.direction !== 'ASC') throw new Error('fake: ascending only');
      if (query.anchor?.exclusive) throw new Error('fake: no exclusive start');
      const start = [query.anchor?.timeKey, query.lower]
        .filter((t): t is string => t !== undefined)
        .sort()
        .pop();
      const startKey = start === undefined ? undefined : timeKeyFromEpochMs(epochMsOfTimeKey(start));
      const list = native.filter((e) => startKey === undefined || e.timeKey >= startKey);
      let from = 0;
      if (query.continuation !== undefined) {
        const index = list.findIndex((e) => e.nativeId === query.continuation);
        if (index < 0) throw new Error(`fake: unknown continuation ${query.continuation}`);
        from = index + 1;
      }
      const page = list.slice(from, from + query.pageSize);
      return { events: page, continuation: from + query.pageSize < list.length ? page[page.length - 1].nativeId : null };
    },
  };
}

/** Drains a scan. */
export async function collect(scan: AsyncGenerator<ScanItem, void, undefined>) {
  const items: ScanItem[] = [];
  for await (const item of scan) items.push(item);
  const batches = items.filter((i): i is Extract<ScanItem, { kind: 'events' }> => i.kind === 'events');
  const events = batches.flatMap((b) => b.events);
  const last = items[items.length - 1];
  let lastBatchWithEvents: (typeof batches)[number] | undefined;
  for (const b of batches) if (b.events.length > 0) lastBatchWithEvents = b;
  return { items, events, ids: events.map((e) => e.nativeId), endedBy: last?.kind, lastHint: lastBatchWithEvents?.hint };
}

/** Native requests a fresh scan needs before it hands out its first event (or ends). */
export async function requestsUntilProgress<S extends Counted & AnchoredSource>(
  source: S,
  scan: (source: S) => AsyncGenerator<ScanItem, void, undefined>,
): Promise<number> {
  const generator = scan(source);
  try {
    for await (const item of generator) {
      if (item.kind === 'end' || (item.kind === 'events' && item.events.length > 0)) return source.total();
      if (item.kind === 'budget') throw new Error('requestsUntilProgress needs an unbounded budget');
    }
    return source.total();
  } finally {
    await generator.return(undefined);
  }
}

/** The value in a third of the cases, else null. */
export function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary, weight: 1 });
}

/**
 * `source` with a memory of every page it read, as a page cache gives it: `recall` answers a
 * request made before with the very page it got then (stale if the source changed since), and
 * nothing for any other request.
 */
export function remembering<S extends AnchoredSource>(source: S): S {
  const pages = new Map<string, NativePage>();
  const keyOf = (q: NativeQuery) =>
    JSON.stringify([q.direction, q.anchor ?? null, q.lower ?? null, q.upper ?? null, q.continuation ?? null, q.pageSize]);
  const fetchPage = source.fetchPage.bind(source);
  return Object.assign(source, {
    async fetchPage(query: NativeQuery): Promise<NativePage> {
      const page = await fetchPage(query);
      pages.set(keyOf(query), page);
      return page;
    },
    async recall(query: NativeQuery): Promise<NativePage | undefined> {
      return pages.get(keyOf(query));
    },
  });
}
