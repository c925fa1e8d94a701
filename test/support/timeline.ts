import type { AuditEventRecord, EventOrder } from '../../src/domain/audit-event';
import { mapLogRocketLog, withDistinctLogRocketIds } from '../../src/datasources/logrocket/logrocket.mapper';
import { mapLosantAuditLog } from '../../src/datasources/losant/losant.mapper';
import { mapNirvanaAuditLog } from '../../src/datasources/nirvana/nirvana.mapper';
import { mapZendeskAuditLog } from '../../src/datasources/zendesk/zendesk.mapper';
import { compareKeys, keyOf } from '../../src/paging/event-order';
import type { AllSimulators } from '../../src/simulators/index';
import type { Harness } from './gateway-harness';

export type SourceName = 'logrocket' | 'zendesk' | 'losant' | 'nirvana';
export const SOURCE_NAMES: SourceName[] = ['logrocket', 'zendesk', 'losant', 'nirvana'];

/** The merged timeline of several sources, from the simulators' current records. */
export function expectedMerged(sims: AllSimulators, sources: SourceName[], order: EventOrder): AuditEventRecord[] {
  const events = sources
    .flatMap((source) => expectedTimeline(sims, source, 'OLDEST_FIRST'))
    .sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  return order === 'OLDEST_FIRST' ? events : events.reverse();
}

/** A simulator's current records as domain events, in the timeline order. */
export function expectedTimeline(sims: AllSimulators, source: SourceName, order: EventOrder): AuditEventRecord[] {
  const map = {
    logrocket: () => withDistinctLogRocketIds(sims.logrocket.records().map((r) => mapLogRocketLog('logrocket', r))),
    zendesk: () => sims.zendesk.records().map((r) => mapZendeskAuditLog('zendesk', r)),
    losant: () => sims.losant.records().map((r) => mapLosantAuditLog('losant', r)),
    nirvana: () => sims.nirvana.records().map((r) => mapNirvanaAuditLog('nirvana', r)),
  }[source];
  const events = map().sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  return order === 'OLDEST_FIRST' ? events : events.reverse();
}

export const PAGE_QUERY = `query Page($sources: [String!], $order: AuditEventOrder, $first: Int, $after: String, $last: Int, $before: String, $filter: AuditEventFilter, $onSourceError: SourceErrorPolicy) {
  auditEvents(sources: $sources, order: $order, first: $first, after: $after, last: $last, before: $before, filter: $filter, onSourceError: $onSourceError) {
    edges { cursor node { nativeId occurredAt source { name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** One walked edge. */
export interface WalkedEvent {
  nativeId: string;
  occurredAt: string;
  source: string;
}

/** Walks a timeline to its end, forward (first/after) or backward (last/before); returns events in timeline order. */
export async function walk(
  harness: Harness,
  options: {
    /** One source, or several for a merged timeline (null: every source the tenant may read). */
    source: SourceName | SourceName[] | null;
    order: EventOrder;
    onSourceError?: 'FAIL' | 'PARTIAL';
    /** Called with each response's errors instead of failing (PARTIAL walks). */
    onErrors?: (errors: unknown[], page: number) => void;
    direction: 'forward' | 'backward';
    pageSizes: number[];
    filter?: Record<string, unknown>;
    /** Called after each page with the page number. */
    afterPage?: (page: number) => void | Promise<void>;
    maxPages?: number;
  },
): Promise<{ events: WalkedEvent[]; pages: number }> {
  const { source, order, direction, pageSizes } = options;
  let cursor: string | null = null;
  const chunks: WalkedEvent[][] = [];
  for (let page = 0; page < (options.maxPages ?? 10_000); page++) {
    const size = pageSizes[page % pageSizes.length];
    const sources = source === null ? null : Array.isArray(source) ? source : [source];
    const variables: Record<string, unknown> =
      direction === 'forward'
        ? { sources, order, first: size, after: cursor, filter: options.filter, onSourceError: options.onSourceError }
        : { sources, order, last: size, before: cursor, filter: options.filter, onSourceError: options.onSourceError };
    const response = await harness.gql(PAGE_QUERY, variables);
    if (response.errors) {
      if (!options.onErrors || !response.data) throw new Error(`page ${page}: ${JSON.stringify(response.errors)}`);
      options.onErrors(response.errors, page);
    }
    const connection = response.data!.auditEvents;
    const events: WalkedEvent[] = connection.edges.map((e: any) => ({
      nativeId: e.node.nativeId,
      occurredAt: e.node.occurredAt,
      source: e.node.source.name,
    }));
    if (events.length > size) throw new Error(`page ${page} has ${events.length} edges for size ${size}`);
    chunks.push(events);
    await options.afterPage?.(page);
    const more = direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    if (!more) {
      const ordered = direction === 'forward' ? chunks.flat() : chunks.reverse().flat();
      return { events: ordered, pages: page + 1 };
    }
    cursor = direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
    if (!cursor) throw new Error(`page ${page} says more but has no cursor`);
  }
  throw new Error('walk did not end');
}

/** Asserts `walked` holds every expected event exactly once, in order, allowing extra (newly inserted) events. */
export function checkExactlyOnce(
  walked: WalkedEvent[],
  expected: AuditEventRecord[],
  allowed: Set<string> = new Set(),
  options: { ignoreOrder?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const id = (e: WalkedEvent) => `${e.source}/${e.nativeId}`;
  for (const e of walked) {
    if (seen.has(id(e))) problems.push(`duplicate ${id(e)}`);
    seen.add(id(e));
  }
  const expectedIds = expected.map((e) => `${e.sourceId}/${e.nativeId}`);
  const expectedSet = new Set(expectedIds);
  for (const x of expectedIds) if (!seen.has(x)) problems.push(`missing ${x}`);
  for (const e of walked)
    if (!expectedSet.has(id(e)) && !allowed.has(id(e)) && !allowed.has(e.nativeId)) problems.push(`unexpected ${id(e)}`);
  if (options.ignoreOrder) return problems.slice(0, 10);
  const walkedExpected = walked.filter((e) => expectedSet.has(id(e))).map(id);
  const inOrder = expectedIds.filter((id) => seen.has(id));
  if (walkedExpected.join(',') !== inOrder.join(',')) problems.push('order differs from the timeline order');
  return problems.slice(0, 10);
}

/** Inserts `count` events into a source's simulator now; returns their native ids. */
export function insertInto(harness: Harness, source: SourceName, count: number, at?: Date): string[] {
  const { sims } = harness;
  const options = at ? { at } : undefined;
  switch (source) {
    case 'logrocket':
      return withDistinctLogRocketIds(sims.logrocket.insert(count, options).map((r) => mapLogRocketLog(source, r))).map((e) => e.nativeId);
    case 'zendesk':
      return sims.zendesk.insert(count, options).map((r) => mapZendeskAuditLog(source, r).nativeId);
    case 'losant':
      return sims.losant.insert(count, options).map((r) => mapLosantAuditLog(source, r).nativeId);
    case 'nirvana':
      return sims.nirvana.insert(count, options).map((r) => mapNirvanaAuditLog(source, r).nativeId);
  }
}
