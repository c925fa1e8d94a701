import type { AuditEventRecord, EventFilter } from '../../domain/audit-event';
import type { NativePage, NativeQuery } from '../../paging/anchored-scan';
import { isPossibleIpAddress, pushdownBudget } from '../../paging/event-filter';
import type { UpstreamCall } from '../http-client';
import { wholeSecondsRange } from '../native-time-range';
import { ProviderAdapterBase, type AdapterContext, type NativePlan, type ProviderCapabilities } from '../provider-adapter';
import { NirvanaClient } from './nirvana.client';
import { NIRVANA_ACTOR_TYPE_OF, mapNirvanaAuditLog } from './nirvana.mapper';

/** Nirvana adapter options. */
export interface NirvanaAdapterOptions extends AdapterContext {
  readonly apiKey: string;
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

/** Nirvana's inclusive whole-second `created_at_min`/`created_at_max` for the query's bounds. */
function timeFilters(query: Pick<NativeQuery, 'direction' | 'anchor' | 'lower' | 'upper'>): [string, string][] {
  const { from, to } = wholeSecondsRange(query);
  const filters: [string, string][] = [];
  if (from !== undefined) filters.push(['created_at_min', from]);
  if (to !== undefined) filters.push(['created_at_max', to]);
  return filters;
}

/**
 * Nirvana: opaque cursors bound to the filters and sort that made them, `limit` 10..100, both
 * sort directions, inclusive `created_at_min`/`created_at_max`, exact `total_count`.
 */
export class NirvanaAdapter extends ProviderAdapterBase<NirvanaAdapterOptions> {
  readonly capabilities: ProviderCapabilities = {
    orders: ['ASC', 'DESC'],
    continuation: 'stable',
    precision: 'second',
    counts: 'first-page',
  };
  private readonly client: NirvanaClient;

  constructor(options: NirvanaAdapterOptions) {
    super(options);
    this.client = new NirvanaClient(options.ref.id, options.http, options.apiKey);
  }

  isNativeId(nativeId: string): boolean {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nativeId);
  }

  plan(filter: EventFilter): NativePlan {
    const sourceId = this.ref.id;
    const pushdown = nirvanaPushdown(filter);
    return {
      pushedDown: pushdown.filters,
      complete: pushdown.complete,
      fetchPage: async (query: NativeQuery, call: UpstreamCall): Promise<NativePage> => {
        const page = await this.client.listAuditLogs(
          {
            limit: query.pageSize,
            sort: query.direction === 'ASC' ? 'created_at:asc' : 'created_at:desc',
            cursor: query.continuation,
            filters: [...timeFilters(query), ...pushdown.filters],
          },
          call,
        );
        // A query's first page is the count's own query: its total_count counts the query.
        const first = query.anchor === undefined && query.continuation === undefined;
        return {
          events: page.items.map((log) => mapNirvanaAuditLog(sourceId, log)),
          continuation: page.nextCursor,
          bodyBytes: page.bodyBytes,
          ...(first && page.totalCount !== null ? { total: page.totalCount } : {}),
        };
      },
    };
  }

  async countEvents(filter: EventFilter, call: UpstreamCall): Promise<number | null> {
    const page = await this.client.listAuditLogs(
      {
        limit: this.pageLimits.min,
        sort: 'created_at:desc',
        filters: [...timeFilters({ direction: 'ASC', lower: filter.occurredAfter }), ...nirvanaPushdown(filter).filters],
      },
      call,
    );
    return page.totalCount;
  }

  async getEvent(nativeId: string, _timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    const log = await this.client.getAuditLog(nativeId, call);
    return log === null ? null : mapNirvanaAuditLog(this.ref.id, log);
  }
}
