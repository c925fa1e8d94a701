import type { ActorType, EventFilter } from '../domain/audit-event';
import { badUserInput } from '../errors';
import { clampedTimeKey, compareTimestamps, type ParsedTimestamp } from '../paging/time-key';

/** The filter as the schema receives it. */
export interface EventFilterInput {
  readonly occurredAfter?: ParsedTimestamp | null;
  readonly occurredBefore?: ParsedTimestamp | null;
  readonly actions?: readonly string[] | null;
  readonly actorIds?: readonly string[] | null;
  readonly actorTypes?: readonly ActorType[] | null;
  readonly targetTypes?: readonly string[] | null;
  readonly targetIds?: readonly string[] | null;
  readonly ipAddresses?: readonly string[] | null;
}

const LIST_FIELDS = ['actions', 'actorIds', 'actorTypes', 'targetTypes', 'targetIds', 'ipAddresses'] as const;
const MAX_VALUES = 100;
/** Longest filter value, in characters: LogRocket's documented limit for its strings, far above any id, action or address. */
export const MAX_FILTER_VALUE_LENGTH = 1024;

/**
 * Validates a filter and puts it in canonical form (lists deduplicated and sorted), so that two
 * filters that mean the same bind cursors the same way. Times outside what every provider can be
 * asked about are clamped to [1970-01-01T00:00:00Z, 9999-12-31T23:59:59Z] (`clampedTimeKey`): no
 * provider holds an event outside it, so "after 0001" still means everything and "before 0001"
 * nothing, and no provider is sent a time it refuses. Values longer than MAX_FILTER_VALUE_LENGTH
 * are refused.
 */
export function normalizeEventFilter(input: EventFilterInput | null | undefined): EventFilter {
  if (!input) return {};
  const filter: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
  // Ordered as given: two bounds clamped to the same instant are still a valid (empty) range.
  if (input.occurredAfter && input.occurredBefore && compareTimestamps(input.occurredAfter, input.occurredBefore) >= 0) {
    throw badUserInput('`filter.occurredAfter` must be earlier than `filter.occurredBefore`.', 'filter.occurredAfter');
  }
  if (input.occurredAfter) filter.occurredAfter = clampedTimeKey(input.occurredAfter);
  if (input.occurredBefore) filter.occurredBefore = clampedTimeKey(input.occurredBefore);
  for (const field of LIST_FIELDS) {
    const values = input[field];
    if (values === null || values === undefined) continue;
    if (values.length === 0) {
      throw badUserInput(`\`filter.${field}\` is an empty list, which matches nothing; omit it to match everything.`, `filter.${field}`);
    }
    if (values.length > MAX_VALUES) {
      throw badUserInput(`\`filter.${field}\` may list at most ${MAX_VALUES} values.`, `filter.${field}`);
    }
    if (values.some((value) => value.length > MAX_FILTER_VALUE_LENGTH)) {
      throw badUserInput(
        `\`filter.${field}\` has a value longer than ${MAX_FILTER_VALUE_LENGTH} characters, which no audit event has; send ids, actions or addresses as the source records them.`,
        `filter.${field}`,
      );
    }
    (filter as Record<string, unknown>)[field] = [...new Set(values)].sort();
  }
  return filter;
}
