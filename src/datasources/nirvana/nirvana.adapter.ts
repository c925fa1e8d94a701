import type { AuditEventRecord, EventFilter, SourceRef } from '../../domain/audit-event';
import { anchoredScan, type AnchoredSource, type NativePage, type NativeQuery } from '../../paging/anchored-scan';
import { activeFilterFields, isPossibleIpAddress, pushdownBudget } from '../../paging/event-filter';
import { isoSecondsCeilOfTimeKey, isoSecondsOfTimeKey } from '../../paging/time-key';
import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import {
  cachedScanner,
  pageSizeFor,
  type AdapterCaching,
  type FilteredScanner,
  type ScanContext,
  type SourceAdapter,
} from '../source-adapter';
import { NirvanaClient } from './nirvana.client';
import { NIRVANA_ACTOR_TYPE_OF, mapNirvanaAuditLog } from './nirvana.mapper';

/** Nirvana adapter options. */
export interface NirvanaAdapterOptions {
  readonly id: string;
  readonly apiKey: string;
  readonly http: UpstreamHttpClient;
  readonly caching: AdapterCaching;
  /** Largest native page (10..100); default 100. */
  readonly maxPageSize?: number;
}

/**
 * Which parts of a filter Nirvana applies natively: its filters take one value each. A field is
 * left to the gateway when its value is one Nirvana could refuse or no Nirvana log can have (an
 * actor type outside user / api_key, an address that is no IP address, an empty value), or when
 * it would not fit in the request's query budget.
 */
export function nirvanaPushdown(filter: EventFilter): { filters: [string, string][]; complete: boolean } {
  const filters: [string, string][] = [];
  let complete = true;
  const fits = pushdownBudget();
  const single = (name: string, values: readonly string[] | undefined, possible: (value: string) => boolean = () => true) => {
    if (values === undefined) return;
    const [value] = values;
    if (values.length === 1 && value !== '' && possible(value) && fits([[name, value]])) filters.push([name, value]);
    else complete = false;
  };
  single('action', filter.actions);
  single('actor_id', filter.actorIds);
  single('client_ip', filter.ipAddresses, isPossibleIpAddress);
  single('target_id', filter.targetIds);
  single('target_type', filter.targetTypes);
  if (filter.actorTypes) {
    const native = filter.actorTypes.length === 1 ? NIRVANA_ACTOR_TYPE_OF[filter.actorTypes[0]] : undefined;
    if (native) filters.push(['actor_type', native]);
    else complete = false;
  }
  return { filters, complete };
}

/**
 * Nirvana: opaque cursors bound to the filters and sort that made them, `limit` 10..100, both
 * sort directions, inclusive `created_at_min`/`created_at_max`, exact `total_count`.
 */
export class NirvanaAdapter implements SourceAdapter {
  readonly ref: SourceRef;
  private readonly client: NirvanaClient;
  private readonly limits: { min: number; max: number };

  constructor(private readonly options: NirvanaAdapterOptions) {
    this.ref = { id: options.id, provider: 'NIRVANA' };
    this.client = new NirvanaClient(options.id, options.http, options.apiKey);
    this.limits = { min: 10, max: Math.max(10, Math.min(100, options.maxPageSize ?? 100)) };
  }

  private timeFilters(query: Pick<NativeQuery, 'direction' | 'anchor' | 'lower' | 'upper'>): [string, string][] {
    const asc = query.direction === 'ASC';
    const min = asc ? (query.anchor?.timeKey ?? query.lower) : query.lower;
    const max = asc ? query.upper : (query.anchor?.timeKey ?? query.upper);
    const filters: [string, string][] = [];
    if (min !== undefined) filters.push(['created_at_min', isoSecondsOfTimeKey(min)]);
    if (max !== undefined) filters.push(['created_at_max', isoSecondsCeilOfTimeKey(max)]);
    return filters;
  }

  scanner(filter: EventFilter, context: ScanContext): FilteredScanner {
    const sourceId = this.ref.id;
    const pushdown = nirvanaPushdown(filter);
    const counted = this.countsWithFirstPage(filter);
    const sourceFor = (call: UpstreamCall): AnchoredSource => ({
      sourceId,
      continuation: 'stable',
      pageSize: pageSizeFor(this.options.caching, this.limits),
      fetchPage: async (query: NativeQuery): Promise<NativePage> => {
        const page = await this.client.listAuditLogs(
          {
            limit: query.pageSize,
            sort: query.direction === 'ASC' ? 'created_at:asc' : 'created_at:desc',
            cursor: query.continuation,
            filters: [...this.timeFilters(query), ...pushdown.filters],
          },
          call,
        );
        const events = page.items.map((log) => mapNirvanaAuditLog(sourceId, log));
        // A query's first page is the count's own query: its total_count is the filter's count.
        const first = query.anchor === undefined && query.continuation === undefined;
        return {
          events,
          continuation: page.nextCursor,
          bodyBytes: page.bodyBytes,
          ...(first && counted && page.totalCount !== null ? { total: page.totalCount } : {}),
        };
      },
    });
    const scanner = cachedScanner(sourceFor, pushdown.filters, this.options.caching, context, anchoredScan);
    return { scanner, filtering: !pushdown.complete && activeFilterFields(filter).length > 0, pushedDown: pushdown.filters };
  }

  countsWithFirstPage(filter: EventFilter): boolean {
    if (!nirvanaPushdown(filter).complete && activeFilterFields(filter).length > 0) return false;
    // Nirvana's time bounds are inclusive whole seconds; a count is exact only when the filter's are too.
    const whole = (key: string | undefined) => key === undefined || /\.0{9}Z$/.test(key);
    return whole(filter.occurredAfter) && filter.occurredBefore === undefined;
  }

  async countEvents(filter: EventFilter, call: UpstreamCall): Promise<number | null> {
    if (!this.countsWithFirstPage(filter)) return null;
    const pushdown = nirvanaPushdown(filter);
    const page = await this.client.listAuditLogs(
      {
        limit: this.limits.min,
        sort: 'created_at:desc',
        filters: [...this.timeFilters({ direction: 'ASC', lower: filter.occurredAfter }), ...pushdown.filters],
      },
      call,
    );
    return page.totalCount;
  }

  async getEvent(nativeId: string, _timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nativeId)) return null;
    const log = await this.client.getAuditLog(nativeId, call);
    return log === null ? null : mapNirvanaAuditLog(this.ref.id, log);
  }

  async close(): Promise<void> {
    await this.options.http.close();
  }
}
