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
import { ZendeskClient, type ZendeskCredentials } from './zendesk.client';
import { mapZendeskAuditLog } from './zendesk.mapper';

/** Zendesk adapter options. */
export interface ZendeskAdapterOptions extends ZendeskCredentials {
  readonly id: string;
  readonly http: UpstreamHttpClient;
  readonly caching: AdapterCaching;
  /** Largest native page (1..100); default 100. */
  readonly maxPageSize?: number;
}

const ZENDESK_ACTIONS = new Set(['create', 'destroy', 'exported', 'login', 'update']);
const EARLIEST = '1970-01-01T00:00:00Z';
// The latest time the normalizer lets through (LATEST_TIME_KEY), so an open end never precedes a start.
const LATEST = '9999-12-31T23:59:59Z';

/**
 * Which parts of a filter Zendesk applies natively, in its parameter names. A field is left to the
 * gateway when one of its values is one Zendesk could refuse or no Zendesk log can have (an
 * action outside its five, a non-integer id, an address that is no IP address, an empty value),
 * or when it would not fit in the request's query budget.
 */
export function zendeskPushdown(filter: EventFilter): { filters: [string, string[]][]; complete: boolean } {
  const filters: [string, string[]][] = [];
  let complete = true;
  const fits = pushdownBudget();
  // Zendesk ids are integers sent as JSON numbers, exact below 2^53: at most 15 digits.
  const numeric = (values: readonly string[]) => values.every((v) => /^\d{1,15}$/.test(v));
  const push = (name: string, values: readonly string[], possible: boolean): boolean => {
    if (possible && values.every((v) => v !== '') && fits(values.map((v) => [`filter[${name}][]`, v]))) {
      filters.push([name, [...values]]);
      return true;
    }
    complete = false;
    return false;
  };
  if (filter.actions)
    push(
      'action',
      filter.actions,
      filter.actions.every((a) => ZENDESK_ACTIONS.has(a)),
    );
  if (filter.actorIds) push('actor_id', filter.actorIds, numeric(filter.actorIds));
  if (filter.ipAddresses) push('ip_address', filter.ipAddresses, filter.ipAddresses.every(isPossibleIpAddress));
  const sourceType = filter.targetTypes !== undefined && push('source_type', filter.targetTypes, true);
  if (filter.targetIds) {
    // Zendesk only takes source_id together with a single source_type.
    push('source_id', filter.targetIds, sourceType && filter.targetTypes?.length === 1 && numeric(filter.targetIds));
  }
  if (filter.actorTypes) complete = false;
  return { filters, complete };
}

/**
 * Zendesk: cursor mode (always with `page[size]`), both sort directions natively, filters pushed
 * down, time anchors through `filter[created_at]`. No count in cursor mode.
 */
export class ZendeskAdapter implements SourceAdapter {
  readonly ref: SourceRef;
  private readonly client: ZendeskClient;
  private readonly limits: { min: number; max: number };

  constructor(private readonly options: ZendeskAdapterOptions) {
    this.ref = { id: options.id, provider: 'ZENDESK' };
    this.client = new ZendeskClient(options.id, options.http, options);
    this.limits = { min: 1, max: Math.min(100, options.maxPageSize ?? 100) };
  }

  scanner(filter: EventFilter, context: ScanContext): FilteredScanner {
    const sourceId = this.ref.id;
    const pushdown = zendeskPushdown(filter);
    const sourceFor = (call: UpstreamCall): AnchoredSource => ({
      sourceId,
      continuation: 'stable',
      pageSize: pageSizeFor(this.options.caching, this.limits),
      fetchPage: async (query: NativeQuery): Promise<NativePage> => {
        const asc = query.direction === 'ASC';
        const startKey = asc ? (query.anchor?.timeKey ?? query.lower) : query.lower;
        const endKey = asc ? query.upper : (query.anchor?.timeKey ?? query.upper);
        const createdAt: [string, string] | undefined =
          startKey === undefined && endKey === undefined
            ? undefined
            : [startKey ? isoSecondsOfTimeKey(startKey) : EARLIEST, endKey ? isoSecondsCeilOfTimeKey(endKey) : LATEST];
        const page = await this.client.listAuditLogs(
          {
            pageSize: query.pageSize,
            sort: asc ? 'created_at' : '-created_at',
            after: query.continuation,
            createdAt,
            filters: pushdown.filters,
          },
          call,
        );
        return {
          events: page.logs.map((log) => mapZendeskAuditLog(sourceId, log)),
          continuation: page.afterCursor,
          bodyBytes: page.bodyBytes,
        };
      },
    });
    const scanner = cachedScanner(sourceFor, pushdown.filters, this.options.caching, context, anchoredScan);
    return { scanner, filtering: !pushdown.complete && activeFilterFields(filter).length > 0, pushedDown: pushdown.filters };
  }

  async countEvents(): Promise<number | null> {
    return null;
  }

  async getEvent(nativeId: string, _timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    if (!/^\d+$/.test(nativeId)) return null;
    const log = await this.client.getAuditLog(nativeId, call);
    return log === null ? null : mapZendeskAuditLog(this.ref.id, log);
  }

  async close(): Promise<void> {
    await this.options.http.close();
  }
}
