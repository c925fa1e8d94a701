import { AuditGraphError } from '../errors';
import type { AuditEventRecord } from '../domain/audit-event';
import { compareCodePoints, compareTimeInDirection, type ScanDirection } from './event-order';
import type { ScanItem, ScanRequest } from './scan.types';

/** Where a native query starts, on the side the scan starts from. */
export interface Anchor {
  readonly timeKey: string;
  /** True to exclude events at exactly `timeKey` (used after an instant was read whole). */
  readonly exclusive: boolean;
}

/** One native request of a time-ordered query. */
export interface NativeQuery {
  readonly direction: ScanDirection;
  /** ASC: events at or after it; DESC: at or before it. Absent: from the start of the timeline. */
  readonly anchor?: Anchor;
  /** Inclusive lower time bound from the caller's filter. */
  readonly lower?: string;
  /** Exclusive upper time bound from the caller's filter. */
  readonly upper?: string;
  /** The provider's continuation (cursor or offset) within the same anchored query. */
  readonly continuation?: string;
  readonly pageSize: number;
}

/** One native page, in the provider's order (time-ordered in the query's direction). */
export interface NativePage {
  readonly events: readonly AuditEventRecord[];
  /** Null when the query has nothing more. */
  readonly continuation: string | null;
}

/** A provider whose list endpoint can be anchored at a time and read in time order. */
export interface AnchoredSource {
  /**
   * `stable`: the continuation is a keyset cursor that never skips or repeats.
   * `unstable`: offsets that shift with inserts and ties whose order changes between calls
   * (Losant); the scan then re-anchors at every page boundary and reads tied instants whole.
   */
  readonly continuation: 'stable' | 'unstable';
  fetchPage(query: NativeQuery): Promise<NativePage>;
  /** Every event at exactly `timeKey`; required for `unstable` sources. */
  fetchInstant?(timeKey: string, query: Pick<NativeQuery, 'lower' | 'upper'>): Promise<readonly AuditEventRecord[]>;
  /**
   * Applied to every set of complete instants before it is handed out: LogRocket uses it to tell
   * identical logs of one instant apart, which only works on whole instants.
   */
  completeInstants?(events: readonly AuditEventRecord[]): readonly AuditEventRecord[];
  /** Native page size for a scan that wants `want` events. */
  pageSize(want: number, filtering: boolean): number;
  /** Config id, for error messages. */
  readonly sourceId: string;
}

function byKeyIn(direction: ScanDirection) {
  return (a: AuditEventRecord, b: AuditEventRecord): number => {
    const byTime = compareTimeInDirection(direction, a.timeKey, b.timeKey);
    if (byTime !== 0) return byTime;
    const byId = compareCodePoints(a.nativeId, b.nativeId);
    return direction === 'ASC' ? byId : -byId;
  };
}

/** Shared event filters of a scan request: what is past the start, inside the range, past the far end. */
export function scanBounds(request: Pick<ScanRequest, 'direction' | 'after' | 'lower' | 'upper'>) {
  const { direction, after, lower, upper } = request;
  const order = byKeyIn(direction);
  const afterEvent = after ? ({ timeKey: after.timeKey, nativeId: after.nativeId } as AuditEventRecord) : undefined;
  return {
    order,
    isUnconsumed: (event: AuditEventRecord): boolean => afterEvent === undefined || order(event, afterEvent) > 0,
    inRange: (event: AuditEventRecord): boolean =>
      (lower === undefined || event.timeKey >= lower) && (upper === undefined || event.timeKey < upper),
    isPastFarEnd: (event: AuditEventRecord): boolean =>
      direction === 'ASC' ? upper !== undefined && event.timeKey >= upper : lower !== undefined && event.timeKey < lower,
  };
}

const MAX_EMPTY_PAGES = 3;

/**
 * Walks a source in the timeline order from any position, using native time anchors and
 * continuations. Events are held back until their instant is complete, because providers order
 * ties their own way (or not at all) and the timeline orders them by native id.
 */
export async function* anchoredScan(source: AnchoredSource, request: ScanRequest): AsyncGenerator<ScanItem, void, undefined> {
  const { direction, lower, upper, budget } = request;
  const { order, isUnconsumed, inRange, isPastFarEnd } = scanBounds(request);
  const emit = (events: readonly AuditEventRecord[]): ScanItem => ({
    kind: 'events',
    events: (source.completeInstants?.(events) ?? events).filter((e) => isUnconsumed(e) && inRange(e)).sort(order),
  });

  let anchor: Anchor | undefined = request.after ? { timeKey: request.after.timeKey, exclusive: false } : undefined;
  let continuation: string | undefined;
  let held: AuditEventRecord[] = [];
  let pageSize = source.pageSize(request.want, request.filtering);
  let emptyPages = 0;

  for (;;) {
    if (!budget.take()) {
      yield { kind: 'budget' };
      return;
    }
    const page = await source.fetchPage({ direction, anchor, lower, upper, continuation, pageSize });
    pageSize = source.pageSize(Number.MAX_SAFE_INTEGER, request.filtering);
    const timeOrder = (a: AuditEventRecord, b: AuditEventRecord) => compareTimeInDirection(direction, a.timeKey, b.timeKey);
    let events = [...page.events].sort(timeOrder);
    if (anchor) {
      const { timeKey, exclusive } = anchor;
      events = events.filter((e) => {
        const cmp = compareTimeInDirection(direction, e.timeKey, timeKey);
        return exclusive ? cmp > 0 : cmp >= 0;
      });
    }
    let ended = page.continuation === null;
    const farEnd = events.findIndex(isPastFarEnd);
    if (farEnd >= 0) {
      events = events.slice(0, farEnd);
      ended = true;
    }
    if (ended) {
      yield emit([...held, ...events]);
      yield { kind: 'end' };
      return;
    }
    if (events.length === 0) {
      emptyPages += 1;
      if (emptyPages > MAX_EMPTY_PAGES) {
        throw new AuditGraphError(
          'UPSTREAM_BAD_RESPONSE',
          `Source "${source.sourceId}" kept returning empty pages that claim more follow; try again later.`,
          { source: source.sourceId },
        );
      }
      if (source.continuation === 'stable') continuation = page.continuation ?? undefined;
      continue;
    }
    emptyPages = 0;
    const lastTime = events[events.length - 1].timeKey;
    const pool = [...held, ...events];
    const complete = pool.filter((e) => e.timeKey !== lastTime);
    const boundary = pool.filter((e) => e.timeKey === lastTime);
    if (complete.length > 0) yield emit(complete);

    if (source.continuation === 'stable') {
      held = boundary;
      continuation = page.continuation ?? undefined;
      continue;
    }
    held = [];
    continuation = undefined;
    if (complete.length > 0) {
      anchor = { timeKey: lastTime, exclusive: false };
      continue;
    }
    // The whole page is one instant and more may follow: read that instant on its own, then move past it.
    if (!source.fetchInstant) throw new Error(`source ${source.sourceId} has unstable paging but no fetchInstant`);
    if (!budget.take()) {
      yield { kind: 'budget' };
      return;
    }
    yield emit(await source.fetchInstant(lastTime, { lower, upper }));
    anchor = { timeKey: lastTime, exclusive: true };
  }
}
