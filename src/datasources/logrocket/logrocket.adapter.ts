import type { AuditEventRecord, EventFilter, SourceRef } from '../../domain/audit-event';
import { anchoredScan, type AnchoredSource, type NativePage, type NativeQuery } from '../../paging/anchored-scan';
import { activeFilterFields } from '../../paging/event-filter';
import type { ScanRequest } from '../../paging/scan.types';
import { epochMsOfTimeKey, timeKeyFromEpochMs } from '../../paging/time-key';
import { windowedReverseScan } from '../../paging/windowed-reverse-scan';
import { createScanBudget } from '../../paging/scan.types';
import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import {
  cachedScanner,
  pageSizeFor,
  type AdapterCaching,
  type EventLookup,
  type FilteredScanner,
  type ScanContext,
  type SourceAdapter,
} from '../source-adapter';
import { LogRocketClient, type LogRocketCredentials } from './logrocket.client';
import { mapLogRocketLog, withDistinctLogRocketIds } from './logrocket.mapper';

/** Sorts after every time key: the whole timeline has been read. */
const END_OF_TIMELINE = '\uffff';

/** How far past the gateway's clock LogRocket's may be: later than that, its log holds nothing yet. */
const CLOCK_SKEW_MS = 86_400_000;
const DAY_MS = 86_400_000;

/** LogRocket adapter options. */
export interface LogRocketAdapterOptions extends LogRocketCredentials {
  readonly id: string;
  readonly http: UpstreamHttpClient;
  readonly caching: AdapterCaching;
  /** Largest native page; default 100 (LogRocket documents no maximum). */
  readonly maxPageSize?: number;
  /** First window of an emulated newest-first scan; default one hour. */
  readonly initialWindowMs?: number;
  /** Clock (epoch ms). */
  readonly now?: () => number;
}

/**
 * LogRocket: ascending and forward only, no filters but a start time, no ids, no count.
 * Oldest-first is native (timestamp cursor, then opaque cursors); newest-first and backward
 * paging are emulated by reading time windows ascending and handing them out in reverse.
 */
export class LogRocketAdapter implements SourceAdapter {
  readonly ref: SourceRef;
  private readonly client: LogRocketClient;
  private readonly limits: { min: number; max: number };
  private readonly now: () => number;

  constructor(private readonly options: LogRocketAdapterOptions) {
    this.ref = { id: options.id, provider: 'LOGROCKET' };
    this.client = new LogRocketClient(options.id, options.http, options);
    this.limits = { min: 1, max: options.maxPageSize ?? 100 };
    this.now = options.now ?? Date.now;
  }

  private nativeSource(call: UpstreamCall): AnchoredSource {
    const sourceId = this.ref.id;
    return {
      sourceId,
      continuation: 'stable',
      completeInstants: withDistinctLogRocketIds,
      pageSize: pageSizeFor(this.options.caching, this.limits),
      fetchPage: async (query: NativeQuery): Promise<NativePage> => {
        if (query.direction !== 'ASC') throw new Error('LogRocket reads ascending only');
        const start = [query.anchor?.timeKey, query.lower]
          .filter((t): t is string => t !== undefined)
          .sort()
          .pop();
        // LogRocket refuses a negative timestamp cursor, and holds nothing before the epoch anyway.
        const cursor = query.continuation ?? (start === undefined ? '0' : String(Math.max(0, epochMsOfTimeKey(start))));
        const page = await this.client.listAuditLogs({ cursor, limit: query.pageSize }, call);
        return {
          events: page.logs.map((log) => mapLogRocketLog(sourceId, log)),
          continuation: page.hasNext && page.cursor !== null ? page.cursor : null,
          bodyBytes: page.bodyBytes,
        };
      },
    };
  }

  /**
   * The request with its upper bound no later than now (plus clock skew, rounded up to a UTC day
   * so that the windows, and the cached pages, stay the same all day): a newest-first scan walks
   * back from that bound one window at a time, and LogRocket logs events when they happen, so from
   * a far-future bound (`occurredBefore` in 9999) every window until now would be empty.
   */
  private untilNow(request: ScanRequest): ScanRequest {
    const latest = timeKeyFromEpochMs(Math.ceil((this.now() + CLOCK_SKEW_MS) / DAY_MS) * DAY_MS);
    return request.upper === undefined || request.upper <= latest ? request : { ...request, upper: latest };
  }

  scanner(filter: EventFilter, context: ScanContext): FilteredScanner {
    const scanner = cachedScanner(
      (call) => this.nativeSource(call),
      null,
      this.options.caching,
      context,
      (source, request: ScanRequest) =>
        request.direction === 'ASC'
          ? anchoredScan(source, request)
          : windowedReverseScan(source, this.untilNow(request), { now: this.now, initialWindowMs: this.options.initialWindowMs }),
    );
    return { scanner, filtering: activeFilterFields(filter).length > 0, pushedDown: null };
  }

  async countEvents(): Promise<number | null> {
    return null;
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
    const source: AnchoredSource = { ...this.nativeSource(call), pageSize: () => this.limits.max };
    // A few pages only matter when one instant holds more logs than a page.
    const scan = anchoredScan(source, { direction: 'ASC', lower, want: this.limits.max, filtering: false, budget: createScanBudget(5) });
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

  async close(): Promise<void> {
    await this.options.http.close();
  }
}
