import { anchoredScan, type AnchoredSource, type NativePage } from '../paging/anchored-scan';
import type { ScanRequest, SourceScanner } from '../paging/scan.types';
import { timeKeyFromEpochMs } from '../paging/time-key';
import { windowedReverseScan } from '../paging/windowed-reverse-scan';
import type { PageCache, PageScope } from './cache/page-cache';
import type { UpstreamCall } from './http-client';
import type { NativePlan, ProviderAdapter } from './provider-adapter';

/** How far past the gateway's clock a provider's may be: later than that, its log holds nothing yet. */
const CLOCK_SKEW_MS = 86_400_000;
const DAY_MS = 86_400_000;

/** What one scanner is made of. */
export interface SourceScannerParts {
  readonly adapter: Pick<ProviderAdapter, 'ref' | 'capabilities' | 'pageLimits' | 'completeInstants'>;
  readonly plan: NativePlan;
  /** The call of the request the scan serves. */
  readonly call: UpstreamCall;
  /** True when the gateway filters what the provider returns, so most of what is read may be dropped. */
  readonly filtering: boolean;
  /** The page cache and the scope of this scan's pages; absent to read without a cache. */
  readonly pages?: { readonly cache: PageCache; readonly scope: PageScope };
  /** Told the count a first native page carries, when it is exact for the scan's filter. */
  readonly onTotal?: (total: number) => void;
  /** Clock (epoch ms). */
  readonly now: () => number;
  /** First window of an emulated newest-first scan; default one hour. */
  readonly initialWindowMs?: number;
}

/** Native page size: what is wanted plus the two a boundary and a look-ahead cost, within the provider's limits. */
export function nativePageSize(want: number, filtering: boolean, limits: { min: number; max: number }): number {
  if (filtering) return limits.max;
  return Math.min(limits.max, Math.max(limits.min, want + 2));
}

/**
 * The one way a source's scanner is made: the provider's native plan, behind the page cache when
 * there is one (native pages then read the provider's largest page, so that later pages come
 * from the cache, and a cursor's native request is recalled instead of re-read), walked by the
 * scan its capabilities call for: anchored in a native order, windowed when the order is emulated.
 */
export function createSourceScanner(parts: SourceScannerParts): SourceScanner {
  const { adapter, plan, call, pages, onTotal, now } = parts;
  const { capabilities } = adapter;
  const reader = pages ? pages.cache.decorate(plan, pages.scope) : plan;
  const limits = adapter.pageLimits;
  const fetchPage = async (query: Parameters<AnchoredSource['fetchPage']>[0]): Promise<NativePage> => {
    const page = await reader.fetchPage(query, call);
    if (page.total !== undefined && onTotal) onTotal(page.total);
    return page;
  };
  const source: AnchoredSource = {
    sourceId: adapter.ref.id,
    continuation: capabilities.continuation,
    pageSize: (want, filtering) => (pages ? limits.max : nativePageSize(want, filtering, limits)),
    fetchPage,
    ...(adapter.completeInstants && { completeInstants: adapter.completeInstants.bind(adapter) }),
    ...(reader.fetchInstant && { fetchInstant: (timeKey, bounds) => reader.fetchInstant!(timeKey, bounds, call) }),
    ...('recall' in reader && { recall: (query) => reader.recall(query) }),
  };
  return {
    scan: (request) =>
      capabilities.orders.includes(request.direction)
        ? anchoredScan(source, request)
        : windowedReverseScan(source, untilNow(request, now), { now, initialWindowMs: parts.initialWindowMs }),
  };
}

/**
 * The request with its upper bound no later than now (plus clock skew, rounded up to a UTC day
 * so that the windows, and the cached pages, stay the same all day): an emulated newest-first
 * scan walks back from that bound one window at a time, and audit logs record events when they
 * happen, so from a far-future bound (`occurredBefore` in 9999) every window until now would be empty.
 */
function untilNow(request: ScanRequest, now: () => number): ScanRequest {
  const latest = timeKeyFromEpochMs(Math.ceil((now() + CLOCK_SKEW_MS) / DAY_MS) * DAY_MS);
  return request.upper === undefined || request.upper <= latest ? request : { ...request, upper: latest };
}
