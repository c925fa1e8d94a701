import { AuditGraphError } from '../errors';
import type { AuditEventRecord } from '../domain/audit-event';
import type { NativeToken } from './cursor-codec';
import { compareCodePoints, compareInDirection, compareTimeInDirection, keyOf, type ScanDirection } from './event-order';
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
  /**
   * The provider's continuation, null when the query has nothing more. An `unstable` source's
   * continuation (an offset) only tells that more follow: the scan re-anchors instead of using it.
   */
  readonly continuation: string | null;
  /**
   * How many events the scan's whole filter matches, counted by the provider with this page: set
   * by an adapter only on a query's first page (no anchor, no continuation) and only when exact.
   */
  readonly total?: number;
  /** UTF-8 bytes of the provider's response this page was read from (sizes cache entries). */
  readonly bodyBytes?: number;
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
  /**
   * The page of a native request made before, if this source can give it again without asking
   * the provider; else undefined. A resumed scan then re-issues the request its cursor names at no
   * cost; otherwise it anchors at its position, which costs one request instead of re-reading
   * what the last page already handed out.
   */
  recall?(query: NativeQuery): Promise<NativePage | undefined>;
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
  return {
    order: byKeyIn(direction),
    isUnconsumed: (event: AuditEventRecord): boolean => after === undefined || compareInDirection(direction, keyOf(event), after) > 0,
    inRange: (event: AuditEventRecord): boolean =>
      (lower === undefined || event.timeKey >= lower) && (upper === undefined || event.timeKey < upper),
    isPastFarEnd: (event: AuditEventRecord): boolean =>
      direction === 'ASC' ? upper !== undefined && event.timeKey >= upper : lower !== undefined && event.timeKey < lower,
  };
}

/** The token of a native request, as cursors carry it. */
function tokenOf(direction: ScanDirection, anchor: Anchor | undefined, continuation: string | undefined): NativeToken {
  return {
    d: direction === 'ASC' ? 'A' : 'D',
    ...(anchor ? { a: anchor.timeKey, ...(anchor.exclusive ? { x: 1 as const } : {}) } : {}),
    ...(continuation !== undefined ? { c: continuation } : {}),
  };
}

/** The native request a cursor's token names, when it was made for this direction and does not start past the position. */
function replayOf(request: ScanRequest): { anchor?: Anchor; continuation?: string } | undefined {
  const { direction, after } = request;
  const token = request.hint?.t;
  if (!token || token.d !== (direction === 'ASC' ? 'A' : 'D') || token.s !== undefined) return undefined;
  const anchorFits = token.a === undefined || after === undefined || compareTimeInDirection(direction, token.a, after.timeKey) <= 0;
  if (!anchorFits || (after === undefined && (token.a !== undefined || token.c !== undefined))) return undefined;
  return { anchor: token.a === undefined ? undefined : { timeKey: token.a, exclusive: token.x === 1 }, continuation: token.c };
}

const MAX_EMPTY_PAGES = 3;

/**
 * Walks a source in the timeline order from any position, using native time anchors and
 * continuations. Events are held back until their instant is complete, because providers order
 * ties their own way (or not at all) and the timeline orders them by native id. Every batch it
 * yields carries the token of the native request where its instants began, so a later page can
 * resume with the very same (cached) request.
 */
export async function* anchoredScan(source: AnchoredSource, request: ScanRequest): AsyncGenerator<ScanItem, void, undefined> {
  const { direction, lower, upper, budget } = request;
  const { order, isUnconsumed, inRange, isPastFarEnd } = scanBounds(request);
  // The budget never stops a scan before it hands out something new: a resumed page must progress.
  let progressed = false;
  const spent = () => !budget.take() && progressed;
  const emit = (events: readonly AuditEventRecord[], token: NativeToken): ScanItem => {
    const fresh = (source.completeInstants?.(events) ?? events).filter((e) => isUnconsumed(e) && inRange(e)).sort(order);
    if (fresh.length > 0) progressed = true;
    return { kind: 'events', events: fresh, hint: { t: token } };
  };

  let anchor: Anchor | undefined = request.after ? { timeKey: request.after.timeKey, exclusive: false } : undefined;
  let continuation: string | undefined;
  let held: AuditEventRecord[] = [];
  let heldToken: NativeToken | undefined;
  const pageSize = source.pageSize(request.want, request.filtering);
  let emptyPages = 0;
  // A cursor's native request, when the source can give it again, resumes the scan for nothing.
  // Only that one: the page was read by this walk (the cursor's own page, or a newer read), while
  // any later request may have been cached by another walk before this one started.
  let recalled: NativePage | undefined;
  const replay = source.recall && replayOf(request);
  if (replay) {
    recalled = await source.recall!({ direction, ...replay, lower, upper, pageSize });
    if (recalled) ({ anchor, continuation } = replay);
  }

  for (;;) {
    if (recalled === undefined && spent()) {
      yield { kind: 'budget' };
      return;
    }
    const token = tokenOf(direction, anchor, continuation);
    const page = recalled ?? (await source.fetchPage({ direction, anchor, lower, upper, continuation, pageSize }));
    recalled = undefined;
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
    const heldTime = held[0]?.timeKey;
    const sameAsHeld = (e: AuditEventRecord) => e.timeKey === heldTime;
    if (ended) {
      if (held.length > 0) yield emit([...held, ...events.filter(sameAsHeld)], heldToken!);
      yield emit(
        events.filter((e) => !sameAsHeld(e)),
        token,
      );
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

    if (source.continuation === 'stable') {
      const rest = held.length > 0 ? events.filter((e) => !sameAsHeld(e)) : events;
      continuation = page.continuation ?? undefined;
      if (held.length > 0) {
        // The held instant continues into this page; it is complete once the page moves past it.
        held.push(...events.filter(sameAsHeld));
        if (rest.length === 0) continue;
        yield emit(held, heldToken!);
      }
      const complete = rest.filter((e) => e.timeKey !== lastTime);
      if (complete.length > 0) yield emit(complete, token);
      held = rest.filter((e) => e.timeKey === lastTime);
      heldToken = token;
      continue;
    }

    const complete = events.filter((e) => e.timeKey !== lastTime);
    continuation = undefined;
    if (complete.length > 0) {
      yield emit(complete, token);
      anchor = { timeKey: lastTime, exclusive: false };
      continue;
    }
    // The whole page is one instant and more may follow: read that instant on its own, then move past it.
    if (!source.fetchInstant) throw new Error(`source ${source.sourceId} has unstable paging but no fetchInstant`);
    if (spent()) {
      yield { kind: 'budget' };
      return;
    }
    yield emit(
      await source.fetchInstant(lastTime, { lower, upper }),
      tokenOf(direction, { timeKey: lastTime, exclusive: false }, undefined),
    );
    anchor = { timeKey: lastTime, exclusive: true };
  }
}
