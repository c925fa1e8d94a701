import type { AuditEventRecord, EventFilter } from '../../domain/audit-event';
import type { NativePage, NativeQuery } from '../../paging/anchored-scan';
import { isPossibleIpAddress, pushdownBudget } from '../../paging/event-filter';
import type { UpstreamCall } from '../http-client';
import { wholeSecondsRange } from '../native-time-range';
import { ProviderAdapterBase, type AdapterContext, type NativePlan, type ProviderCapabilities } from '../provider-adapter';
import { ZendeskClient, type ZendeskCredentials } from './zendesk.client';
import { mapZendeskAuditLog } from './zendesk.mapper';

/** Zendesk adapter options. */
export interface ZendeskAdapterOptions extends AdapterContext, ZendeskCredentials {}

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
export class ZendeskAdapter extends ProviderAdapterBase<ZendeskAdapterOptions> {
  readonly capabilities: ProviderCapabilities = { orders: ['ASC', 'DESC'], continuation: 'stable', precision: 'second', counts: 'none' };
  private readonly client: ZendeskClient;

  constructor(options: ZendeskAdapterOptions) {
    super(options);
    this.client = new ZendeskClient(options.ref.id, options.http, options);
  }

  isNativeId(nativeId: string): boolean {
    return /^\d+$/.test(nativeId);
  }

  plan(filter: EventFilter): NativePlan {
    const sourceId = this.ref.id;
    const pushdown = zendeskPushdown(filter);
    return {
      pushedDown: pushdown.filters,
      complete: pushdown.complete,
      fetchPage: async (query: NativeQuery, call: UpstreamCall): Promise<NativePage> => {
        const { from, to } = wholeSecondsRange(query);
        const createdAt: [string, string] | undefined =
          from === undefined && to === undefined ? undefined : [from ?? EARLIEST, to ?? LATEST];
        const page = await this.client.listAuditLogs(
          {
            pageSize: query.pageSize,
            sort: query.direction === 'ASC' ? 'created_at' : '-created_at',
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
    };
  }

  async getEvent(nativeId: string, _timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    const log = await this.client.getAuditLog(nativeId, call);
    return log === null ? null : mapZendeskAuditLog(this.ref.id, log);
  }
}
