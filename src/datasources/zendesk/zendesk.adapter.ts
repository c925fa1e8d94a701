import type { AuditEventRecord, EventFilter, SourceRef } from '../../domain/audit-event';
import { anchoredScan, type AnchoredSource, type NativePage, type NativeQuery } from '../../paging/anchored-scan';
import { activeFilterFields } from '../../paging/event-filter';
import { isoSecondsCeilOfTimeKey, isoSecondsOfTimeKey } from '../../paging/time-key';
import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import { cachedScanner, pageSizeFor, type AdapterCaching, type FilteredScanner, type ScanContext, type SourceAdapter } from '../source-adapter';
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
const LATEST = '2999-12-31T23:59:59Z';

/** Which parts of a filter Zendesk applies natively, in its parameter names. */
export function zendeskPushdown(filter: EventFilter): { filters: [string, string[]][]; complete: boolean } {
  const filters: [string, string[]][] = [];
  let complete = true;
  const numeric = (values: readonly string[]) => values.every((v) => /^\d+$/.test(v));
  if (filter.actions) {
    if (filter.actions.every((a) => ZENDESK_ACTIONS.has(a))) filters.push(['action', [...filter.actions]]);
    else complete = false;
  }
  if (filter.actorIds) {
    if (numeric(filter.actorIds)) filters.push(['actor_id', [...filter.actorIds]]);
    else complete = false;
  }
  if (filter.ipAddresses) filters.push(['ip_address', [...filter.ipAddresses]]);
  if (filter.targetTypes) filters.push(['source_type', [...filter.targetTypes]]);
  if (filter.targetIds) {
    // Zendesk only takes source_id together with a single source_type.
    if (filter.targetTypes?.length === 1 && numeric(filter.targetIds)) filters.push(['source_id', [...filter.targetIds]]);
    else complete = false;
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
        return { events: page.logs.map((log) => mapZendeskAuditLog(sourceId, log)), continuation: page.afterCursor };
      },
    });
    const scanner = cachedScanner(sourceFor, pushdown.filters, this.options.caching, context, anchoredScan);
    return { scanner, filtering: !pushdown.complete && activeFilterFields(filter).length > 0 };
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
