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
