import type { AuditEventRecord, EventFilter, SourceRef } from '../../domain/audit-event';
import { anchoredScan, type AnchoredSource, type NativePage, type NativeQuery } from '../../paging/anchored-scan';
import { activeFilterFields } from '../../paging/event-filter';
import type { ScanRequest } from '../../paging/scan.types';
import { epochMsOfTimeKey } from '../../paging/time-key';
import { windowedReverseScan } from '../../paging/windowed-reverse-scan';
import { createScanBudget } from '../../paging/scan.types';
import type { UpstreamCall, UpstreamHttpClient } from '../http-client';
import { cachedScanner, pageSizeFor, type AdapterCaching, type FilteredScanner, type ScanContext, type SourceAdapter } from '../source-adapter';
import { LogRocketClient, type LogRocketCredentials } from './logrocket.client';
import { mapLogRocketLog, withDistinctLogRocketIds } from './logrocket.mapper';

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
        const start = [query.anchor?.timeKey, query.lower].filter((t): t is string => t !== undefined).sort().pop();
        const cursor = query.continuation ?? (start === undefined ? '0' : String(epochMsOfTimeKey(start)));
        const page = await this.client.listAuditLogs({ cursor, limit: query.pageSize }, call);
        return {
          events: page.logs.map((log) => mapLogRocketLog(sourceId, log)),
          continuation: page.hasNext && page.cursor !== null ? page.cursor : null,
        };
      },
    };
  }

  scanner(filter: EventFilter, context: ScanContext): FilteredScanner {
    const scanner = cachedScanner(this.nativeSource(context.call), null, this.options.caching, context, (source, request: ScanRequest) =>
      request.direction === 'ASC'
        ? anchoredScan(source, request)
        : windowedReverseScan(source, request, { now: this.now, initialWindowMs: this.options.initialWindowMs }),
    );
    return { scanner, filtering: activeFilterFields(filter).length > 0 };
  }

  async countEvents(): Promise<number | null> {
    return null;
  }

  async getEvent(nativeId: string, timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    const scan = anchoredScan(this.nativeSource(call), {
      direction: 'ASC',
      lower: timeKey,
      want: 1,
      filtering: false,
      budget: createScanBudget(5),
    });
    try {
      for await (const item of scan) {
        if (item.kind !== 'events') return null;
        for (const event of item.events) {
          if (event.timeKey > timeKey) return null;
          if (event.nativeId === nativeId) return event;
        }
      }
      return null;
    } finally {
      await scan.return(undefined);
    }
  }

  async close(): Promise<void> {
    await this.options.http.close();
  }
}
