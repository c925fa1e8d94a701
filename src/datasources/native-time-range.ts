import type { EventFilter } from '../domain/audit-event';
import type { NativeQuery } from '../paging/anchored-scan';
import { compareTimeInDirection } from '../paging/event-order';
import { epochMsCeilOfTimeKey, epochMsOfTimeKey, isoSecondsCeilOfTimeKey, isoSecondsOfTimeKey } from '../paging/time-key';
import type { ProviderCapabilities } from './provider-adapter';

/** One end of a native query's time range. */
export interface TimeBound {
  readonly timeKey: string;
  /** True when events at exactly `timeKey` are outside the range. */
  readonly exclusive: boolean;
}

type Bounded = Pick<NativeQuery, 'direction' | 'anchor' | 'lower' | 'upper'>;

/** The later of two starts (or the earlier of two ends, for `DESC`): the tighter bound. */
function tighter(direction: 'ASC' | 'DESC', a: TimeBound | undefined, b: TimeBound | undefined): TimeBound | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const cmp = compareTimeInDirection(direction, a.timeKey, b.timeKey);
  if (cmp !== 0) return cmp > 0 ? a : b;
  return a.exclusive ? a : b;
}

/**
 * The time range a native query covers: the filter's bounds (lower inclusive, upper exclusive),
 * narrowed on the side the scan starts from by its anchor.
 */
export function queryTimeRange(query: Bounded): { from?: TimeBound; to?: TimeBound } {
  const lower: TimeBound | undefined = query.lower === undefined ? undefined : { timeKey: query.lower, exclusive: false };
  const upper: TimeBound | undefined = query.upper === undefined ? undefined : { timeKey: query.upper, exclusive: true };
  if (query.anchor === undefined) return { from: lower, to: upper };
  return query.direction === 'ASC'
    ? { from: tighter('ASC', lower, query.anchor), to: upper }
    : { from: lower, to: tighter('DESC', upper, query.anchor) };
}

/**
 * The range in whole seconds (ISO 8601), widened to the seconds that contain its ends, for
 * providers whose time filters are inclusive and whole-second: the scan drops what lies outside.
 */
export function wholeSecondsRange(query: Bounded): { from?: string; to?: string } {
  const { from, to } = queryTimeRange(query);
  return {
    ...(from ? { from: isoSecondsOfTimeKey(from.timeKey) } : {}),
    ...(to ? { to: isoSecondsCeilOfTimeKey(to.timeKey) } : {}),
  };
}

/**
 * The range as inclusive epoch milliseconds, exactly, for providers that stamp and filter whole
 * milliseconds. Nothing lies before the epoch: a range that ends before it is an empty one
 * (start after end), which such providers accept where they refuse a negative time.
 */
export function millisecondsRange(query: Bounded): { start?: number; end?: number } {
  const { from, to } = queryTimeRange(query);
  const start = from === undefined ? undefined : from.exclusive ? epochMsOfTimeKey(from.timeKey) + 1 : epochMsCeilOfTimeKey(from.timeKey);
  const end = to === undefined ? undefined : to.exclusive ? epochMsCeilOfTimeKey(to.timeKey) - 1 : epochMsOfTimeKey(to.timeKey);
  if (end !== undefined && end < 0) return { start: 1, end: 0 };
  return { ...(start !== undefined ? { start: Math.max(0, start) } : {}), ...(end !== undefined ? { end } : {}) };
}

/**
 * Whether a provider's count of the filter's time range is exact at its precision: milliseconds
 * are exact; whole inclusive seconds are exact only for a lower bound on a whole second and no
 * upper bound (an exclusive upper bound inside a second cannot be said in them).
 */
export function countableTimeRange(
  filter: Pick<EventFilter, 'occurredAfter' | 'occurredBefore'>,
  precision: ProviderCapabilities['precision'],
) {
  if (precision === 'millisecond') return true;
  const whole = (key: string | undefined) => key === undefined || /\.0{9}Z$/.test(key);
  return whole(filter.occurredAfter) && filter.occurredBefore === undefined;
}
