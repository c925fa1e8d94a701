import type { ActorType, EventFilter } from '../domain/audit-event';
import { badUserInput } from '../errors';
import type { ParsedTimestamp } from '../paging/time-key';

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

/**
 * Validates a filter and puts it in canonical form (lists deduplicated and sorted), so that two
 * filters that mean the same bind cursors the same way.
 */
export function normalizeEventFilter(input: EventFilterInput | null | undefined): EventFilter {
  if (!input) return {};
  const filter: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
  if (input.occurredAfter) filter.occurredAfter = input.occurredAfter.key;
  if (input.occurredBefore) filter.occurredBefore = input.occurredBefore.key;
  if (filter.occurredAfter !== undefined && filter.occurredBefore !== undefined && filter.occurredAfter >= filter.occurredBefore) {
    throw badUserInput('`filter.occurredAfter` must be earlier than `filter.occurredBefore`.', 'filter.occurredAfter');
  }
  for (const field of LIST_FIELDS) {
    const values = input[field];
    if (values === null || values === undefined) continue;
    if (values.length === 0) {
      throw badUserInput(`\`filter.${field}\` is an empty list, which matches nothing; omit it to match everything.`, `filter.${field}`);
    }
    if (values.length > MAX_VALUES) {
      throw badUserInput(`\`filter.${field}\` may list at most ${MAX_VALUES} values.`, `filter.${field}`);
    }
    (filter as Record<string, unknown>)[field] = [...new Set(values)].sort();
  }
  return filter;
}
