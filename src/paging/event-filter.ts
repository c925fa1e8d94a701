import { isIP } from 'node:net';
import type { AuditEventRecord, EventFilter } from '../domain/audit-event';

function anyOf<T>(values: readonly T[] | undefined, actual: T | null | undefined): boolean {
  return values === undefined || (actual !== null && actual !== undefined && values.includes(actual));
}

/**
 * The whole filter as a predicate. Applied to every event, also when the provider filtered
 * natively, so a provider that ignores a parameter can never widen a result.
 */
export function eventMatcher(filter: EventFilter): (event: AuditEventRecord) => boolean {
  return (event) =>
    (filter.occurredAfter === undefined || event.timeKey >= filter.occurredAfter) &&
    (filter.occurredBefore === undefined || event.timeKey < filter.occurredBefore) &&
    anyOf(filter.actions, event.action) &&
    anyOf(filter.actorIds, event.actor.id) &&
    anyOf(filter.actorTypes, event.actor.type) &&
    anyOf(filter.targetTypes, event.target?.type) &&
    anyOf(filter.targetIds, event.target?.id) &&
    anyOf(filter.ipAddresses, event.ipAddress);
}

/** Names of the non-time filter fields that are set. */
export function activeFilterFields(filter: EventFilter): (keyof EventFilter)[] {
  return (['actions', 'actorIds', 'actorTypes', 'targetTypes', 'targetIds', 'ipAddresses'] as const).filter(
    (name) => filter[name] !== undefined,
  );
}

/**
 * Most characters the filter parameters pushed down in one native request may take, URL-encoded.
 * Servers commonly refuse request lines over 8 KiB (HTTP 414); this leaves room for the path, the
 * paging parameters and the provider's own cursor.
 */
export const MAX_PUSHDOWN_QUERY_LENGTH = 4096;

/** Length of `pairs` as query text, encoded as the gateway sends them, with their separators. */
export function encodedQueryLength(pairs: readonly (readonly [string, string])[]): number {
  return pairs.reduce((sum, [name, value]) => sum + new URLSearchParams([[name, value]]).toString().length + 1, 0);
}

/**
 * A query-length budget for one pushdown: the returned function reserves the encoded length of
 * `pairs` and answers true when it fits in what is left, or reserves nothing and answers false.
 * What does not fit is left to the gateway's own filtering.
 */
export function pushdownBudget(limit: number = MAX_PUSHDOWN_QUERY_LENGTH): (pairs: readonly (readonly [string, string])[]) => boolean {
  let left = limit;
  return (pairs) => {
    const length = encodedQueryLength(pairs);
    if (length > left) return false;
    left -= length;
    return true;
  };
}

/**
 * Whether `value` can be an IP address as providers record them (IPv4 or IPv6 text). A
 * value that cannot is never sent to a provider's address filter, which may refuse it: no event
 * has such an address, so the gateway's own filter finds the (empty) truth.
 */
export function isPossibleIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}
