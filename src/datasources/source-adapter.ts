import type { AuditEventRecord, EventFilter, SourceRef } from '../domain/audit-event';
import type { AnchoredSource, NativePage, NativeQuery } from '../paging/anchored-scan';
import type { ScanItem, ScanRequest, SourceScanner } from '../paging/scan.types';
import type { PageCache } from './cache/page-cache';
import type { UpstreamCall } from './http-client';

/** A scanner made for one filter, and whether the gateway has to filter what it yields. */
export interface FilteredScanner {
  readonly scanner: SourceScanner;
  /** True when some filter field is not applied by the provider itself. */
  readonly filtering: boolean;
  /**
   * What the provider itself is asked to filter, in its own terms (JSON-safe): filters with equal
   * values read the same native pages, and differ only in what the gateway drops.
   */
  readonly pushedDown: unknown;
}

/** Who a scan runs for. */
export interface ScanContext {
  readonly call: UpstreamCall;
  readonly tenantId: string;
  /** Told the filter's count when a native page read for this scan carries it (see `NativePage.total`). */
  readonly onTotal?: (total: number) => void;
}

/** How an adapter caches native pages. */
export interface AdapterCaching {
  /** Absent: no cache, and native pages sized to what a page needs. */
  readonly pages?: PageCache;
  /** Digest of the source's credentials, part of every cache key. */
  readonly credentials: string;
}

/** Native page size: the provider's maximum when pages are cached (read ahead), else what a page needs. */
export function pageSizeFor(caching: AdapterCaching, limits: { min: number; max: number }) {
  return (want: number, filtering: boolean): number => (caching.pages ? limits.max : nativePageSize(want, filtering, limits));
}

/**
 * A scanner whose native pages go through the page cache, scoped to tenant, source, credentials and
 * parameters. `sourceFor` builds the provider's native source for a call: the request's own, or
 * the call of a read that several requests share.
 */
export function cachedScanner(
  sourceFor: (call: UpstreamCall) => AnchoredSource,
  parameters: unknown,
  caching: AdapterCaching,
  context: ScanContext,
  scan: (source: AnchoredSource, request: ScanRequest) => AsyncGenerator<ScanItem, void, undefined>,
): SourceScanner {
  return {
    scan: (request) => {
      const source = caching.pages
        ? caching.pages.wrap(
            sourceFor,
            {
              tenantId: context.tenantId,
              sourceId: sourceFor(context.call).sourceId,
              credentials: caching.credentials,
              parameters: JSON.stringify(parameters),
              walk: request.walk ?? '',
            },
            context.call,
          )
        : sourceFor(context.call);
      return scan(context.onTotal ? reportingTotals(source, context.onTotal) : source, request);
    },
  };
}

/** The source, telling `onTotal` the count a native page carries. */
function reportingTotals(source: AnchoredSource, onTotal: (total: number) => void): AnchoredSource {
  const fetchPage = async (query: NativeQuery): Promise<NativePage> => {
    const page = await source.fetchPage(query);
    if (page.total !== undefined) onTotal(page.total);
    return page;
  };
  return Object.assign(Object.create(source) as AnchoredSource, { fetchPage });
}

/** What an event's global id encodes: enough to find the event again. */
export interface EventLookup {
  readonly nativeId: string;
  /** The event's time key; LogRocket can find an event only by reading the instant it happened at. */
  readonly timeKey: string;
}

/** What every provider adapter offers the services. */
export interface SourceAdapter {
  readonly ref: SourceRef;
  /** A scanner over this source's events for `filter`, for one request of one tenant. */
  scanner(filter: EventFilter, context: ScanContext): FilteredScanner;
  /** Exact number of events matching `filter` when the provider gives it cheaply, else null. */
  countEvents(filter: EventFilter, call: UpstreamCall): Promise<number | null>;
  /**
   * True when the first native page of a scan for `filter` carries the count `countEvents` would
   * give (`NativePage.total`), so that a first page and its count cost one request.
   */
  countsWithFirstPage?(filter: EventFilter): boolean;
  /** One event by native id (and its time, which LogRocket needs to find it); null when absent. */
  getEvent(nativeId: string, timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null>;
  /**
   * Several events at once, answered in input order (null for each that does not exist). Offered
   * by adapters whose provider has no single-record endpoint, so that lookups share native reads;
   * the others are asked one `getEvent` per id.
   */
  getEvents?(lookups: readonly EventLookup[], call: UpstreamCall): Promise<(AuditEventRecord | null)[]>;
  close(): Promise<void>;
}

/** Native page size: what is wanted plus the two a boundary and a look-ahead cost, within the provider's limits. */
export function nativePageSize(want: number, filtering: boolean, limits: { min: number; max: number }): number {
  if (filtering) return limits.max;
  return Math.min(limits.max, Math.max(limits.min, want + 2));
}
