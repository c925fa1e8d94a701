import type { AuditEventRecord } from '../../domain/audit-event';
import { anchoredScan, type AnchoredSource, type NativePage, type NativeQuery } from '../../paging/anchored-scan';
import { createScanBudget } from '../../paging/scan.types';
import { epochMsOfTimeKey } from '../../paging/time-key';
import type { UpstreamCall } from '../http-client';
import { queryTimeRange } from '../native-time-range';
import { ProviderAdapterBase, type AdapterContext, type NativePlan, type ProviderCapabilities } from '../provider-adapter';
import type { EventLookup } from '../source-adapter';
import { LogRocketClient, type LogRocketCredentials } from './logrocket.client';
import { mapLogRocketLog, withDistinctLogRocketIds } from './logrocket.mapper';

/** Sorts after every time key: the whole timeline has been read. */
const END_OF_TIMELINE = '\uffff';

/** LogRocket adapter options. */
export interface LogRocketAdapterOptions extends AdapterContext, LogRocketCredentials {}

/**
 * LogRocket: ascending and forward only, no filters but a start time, no ids, no count.
 * Oldest-first is native (timestamp cursor, then opaque cursors); newest-first and backward
 * paging are emulated by reading time windows ascending and handing them out in reverse.
 */
export class LogRocketAdapter extends ProviderAdapterBase<LogRocketAdapterOptions> {
  readonly capabilities: ProviderCapabilities = { orders: ['ASC'], continuation: 'stable', precision: 'millisecond', counts: 'none' };
  private readonly client: LogRocketClient;

  constructor(options: LogRocketAdapterOptions) {
    super(options);
    this.client = new LogRocketClient(options.ref.id, options.http, options);
  }

  // LogRocket's ids are synthetic (see the mapper): a lookup reads the instant, whatever the id.
  isNativeId(): boolean {
    return true;
  }

  completeInstants(events: readonly AuditEventRecord[]): readonly AuditEventRecord[] {
    return withDistinctLogRocketIds(events);
  }

  /** LogRocket filters nothing but a start time: the gateway applies the whole filter. */
  plan(): NativePlan {
    return { pushedDown: null, complete: false, fetchPage: (query, call) => this.fetchPage(query, call) };
  }

  private async fetchPage(query: NativeQuery, call: UpstreamCall): Promise<NativePage> {
    if (query.direction !== 'ASC') throw new Error('LogRocket reads ascending only');
    const { from } = queryTimeRange(query);
    // A timestamp cursor in whole ms, floored: LogRocket's times are finer. It refuses a negative
    // one, and holds nothing before the epoch anyway.
    const cursor = query.continuation ?? String(from === undefined ? 0 : Math.max(0, epochMsOfTimeKey(from.timeKey)));
    const page = await this.client.listAuditLogs({ cursor, limit: query.pageSize }, call);
    return {
      events: page.logs.map((log) => mapLogRocketLog(this.ref.id, log)),
      continuation: page.hasNext && page.cursor !== null ? page.cursor : null,
      bodyBytes: page.bodyBytes,
    };
  }

  async getEvent(nativeId: string, timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    const [event] = await this.getEvents([{ nativeId, timeKey }], call);
    return event ?? null;
  }

  /**
   * LogRocket has no way to fetch a log but to read from the instant it happened at. Lookups are
   * sorted by time and one ascending read of full native pages serves every lookup whose instant
   * it covers; the next read starts at the first instant not yet covered, so lookups close in
   * time cost one upstream call together.
   */
  async getEvents(lookups: readonly EventLookup[], call: UpstreamCall): Promise<(AuditEventRecord | null)[]> {
    const keyOf = (e: EventLookup) => `${e.timeKey} ${e.nativeId}`;
    const found = new Map<string, AuditEventRecord>();
    const times = [...new Set(lookups.map((l) => l.timeKey))].sort();
    let next = 0;
    while (next < times.length) {
      const reach = await this.readInstantsFrom(times[next], call, (event) => found.set(keyOf(event), event));
      while (next < times.length && times[next] <= reach) next++;
    }
    return lookups.map((l) => found.get(keyOf(l)) ?? null);
  }

  /**
   * Reads whole instants from `lower` on, up to one native page's worth; returns the time key up
   * to which every instant was read whole (at least `lower`, so callers always move on).
   */
  private async readInstantsFrom(lower: string, call: UpstreamCall, seen: (event: AuditEventRecord) => void): Promise<string> {
    const max = this.pageLimits.max;
    const source: AnchoredSource = {
      sourceId: this.ref.id,
      continuation: 'stable',
      completeInstants: withDistinctLogRocketIds,
      pageSize: () => max,
      fetchPage: (query) => this.fetchPage(query, call),
    };
    // A few pages only matter when one instant holds more logs than a page.
    const scan = anchoredScan(source, { direction: 'ASC', lower, want: max, filtering: false, budget: createScanBudget(5) });
    try {
      for await (const item of scan) {
        if (item.kind === 'end') return END_OF_TIMELINE;
        if (item.kind === 'budget') return lower;
        if (item.events.length === 0) continue;
        item.events.forEach(seen);
        return item.events[item.events.length - 1].timeKey;
      }
      return END_OF_TIMELINE;
    } finally {
      await scan.return(undefined);
    }
  }
}
