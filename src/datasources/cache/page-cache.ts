import { createHash } from 'node:crypto';
import type { NativePage, NativeQuery } from '../../paging/anchored-scan';
import type { UpstreamCall } from '../http-client';
import type { NativePlan } from '../provider-adapter';
import { SharedFlights } from '../shared-flight';
import type { CacheStore } from './cache-store';
import { JSON_BYTES } from './tenant-bounded-map';

/**
 * Upper bound of a cached page's JSON from the provider's response size: an event keeps its wire
 * record (`raw`) and its mapped fields, which reuse the wire's strings; the mapped fields add at
 * most about 240 bytes an event beyond a second copy of the wire (measured on full pages of the
 * four simulators: LogRocket 238, Nirvana 131, Zendesk 24, Losant below zero).
 */
export function cachedPageJsonBytes(page: NativePage & { bodyBytes: number }): number {
  return 2 * page.bodyBytes + 320 * page.events.length + 200;
}

/** Tuning of the page cache; every duration in ms. */
export interface PageCacheOptions {
  readonly store: CacheStore;
  /** Clock (epoch ms). */
  readonly now?: () => number;
  /** Age after which a page's events are assumed never to change; default 10 minutes. */
  readonly settleMs?: number;
  /** TTL of a settled page; default 1 hour. */
  readonly settledTtlMs?: number;
  /** TTL of a page with events younger than the settle window, which only replays a cursor; default 30 s. */
  readonly recentTtlMs?: number;
  /** TTL of an open page (the newest end of a query), which only replays a cursor; default 60 s. */
  readonly openTtlMs?: number;
  /** false: settled pages too only replay cursors, so every new walk reads afresh; default true. */
  readonly shareAcrossWalks?: boolean;
  /** Told of every lookup's result (metrics). */
  readonly onLookup?: (result: 'hit' | 'miss' | 'shared') => void;
}

/** Who a cached page belongs to. Every key carries all of it. */
export interface PageScope {
  readonly tenantId: string;
  readonly sourceId: string;
  /** Digest of the source's credentials: a rotated key never reads pages fetched with the old one. */
  readonly credentials: string;
  /** Adapter-level request parameters (pushed-down filters). */
  readonly parameters: string;
}

/** A native reader whose pages go through the cache, and which can recall a page read before. */
export interface CachedReader extends Pick<NativePlan, 'fetchPage' | 'fetchInstant'> {
  /** The cached page of `query`, whatever its kind; undefined, and no call, when there is none. */
  recall(query: NativeQuery): Promise<NativePage | undefined>;
}

interface CachedPage {
  readonly page: NativePage;
  /** Set for a page that may still change: it only answers `recall`, the replay of a cursor's request. */
  readonly replayOnly?: true;
  /** Epoch ms (on this cache's clock) after which the page is not served, whatever the store still holds. */
  readonly expiresAt?: number;
}

/** Cache statistics, for tests and metrics. */
export interface PageCacheStats {
  hits: number;
  misses: number;
  shared: number;
}

/**
 * A store key for one native request, naming its tenant, source and credentials in clear. The
 * tenant is encoded so that it is exactly the key's second `:`-separated part, which the store's
 * per-tenant byte share goes by.
 */
function scopedKey(scope: PageScope, request: readonly unknown[]): string {
  const digest = createHash('sha256').update(JSON.stringify(request)).digest('base64url').slice(0, 22);
  return `page:${encodeURIComponent(scope.tenantId)}:${scope.sourceId}:${scope.credentials}:${digest}`;
}

/**
 * Caches native pages in the shared store, with a TTL that follows what can still change:
 * - a page that is not the end of its query, is bounded on its newest side, and whose events are
 *   all older than the settle window cannot change any more: every walk shares it, for long;
 * - any other page — the open end of a query where arriving events land, or a page of recent
 *   events, into whose instants a late event can still fall (Zendesk and Nirvana stamp whole
 *   seconds) — only replays the request a cursor names (`recall`), for seconds: a resumed page
 *   re-reads nothing, and a scan that reads afresh always sees every event that exists when it
 *   starts.
 * Identical concurrent requests share one upstream call, which goes on while any of them still
 * waits: a client that hangs up cancels only its own share. Misses and store failures just fetch.
 */
export class PageCache {
  readonly stats: PageCacheStats = { hits: 0, misses: 0, shared: 0 };
  private readonly flights = new SharedFlights();
  private readonly now: () => number;

  constructor(private readonly options: PageCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Key of a native request in a scope. */
  keyFor(scope: PageScope, query: NativeQuery): string {
    return scopedKey(scope, [
      scope.parameters,
      query.direction,
      query.anchor ?? null,
      query.lower ?? null,
      query.upper ?? null,
      query.continuation ?? null,
      query.pageSize,
    ]);
  }

  /** Key of a provider's read of one whole instant (Losant) in a scope. */
  instantKeyFor(scope: PageScope, timeKey: string, bounds: Pick<NativeQuery, 'lower' | 'upper'>): string {
    return scopedKey(scope, ['instant', scope.parameters, timeKey, bounds.lower ?? null, bounds.upper ?? null]);
  }

  /**
   * `reader` with its pages (and instants) served from the cache where the rules allow. A read
   * that several callers share runs on a call of its own, so that no single caller's hang-up
   * cancels it for the others.
   */
  decorate(reader: Pick<NativePlan, 'fetchPage' | 'fetchInstant'>, scope: PageScope): CachedReader {
    const fetchInstant = reader.fetchInstant?.bind(reader);
    return {
      fetchPage: (query, call) =>
        this.lookup(
          this.keyFor(scope, query),
          call,
          (own) => reader.fetchPage(query, own),
          (page) => this.lifetimeOfPage(query, page),
        ),
      recall: (query) => this.cached(this.keyFor(scope, query), true),
      ...(fetchInstant && {
        fetchInstant: async (timeKey: string, bounds: Pick<NativeQuery, 'lower' | 'upper'>, call: UpstreamCall) => {
          const page = await this.lookup(
            this.instantKeyFor(scope, timeKey, bounds),
            call,
            async (own) => ({ events: await fetchInstant(timeKey, bounds, own), continuation: null }),
            () => this.lifetimeOfInstant(timeKey),
          );
          return page.events;
        },
      }),
    };
  }

  private async cached(key: string, replay: boolean): Promise<NativePage | undefined> {
    const entry = await this.options.store.get<CachedPage>(key);
    if (!entry || (entry.replayOnly && !replay) || (entry.expiresAt !== undefined && entry.expiresAt <= this.now())) return undefined;
    this.stats.hits += 1;
    this.options.onLookup?.('hit');
    return entry.page;
  }

  private async lookup(
    key: string,
    call: UpstreamCall,
    fetch: (call: UpstreamCall) => Promise<NativePage>,
    lifetime: (page: NativePage) => { replayOnly: boolean; ttlMs: number } | null,
  ): Promise<NativePage> {
    const cached = await this.cached(key, false);
    if (cached) return cached;
    const joining = this.flights.has(key);
    this.stats[joining ? 'shared' : 'misses'] += 1;
    this.options.onLookup?.(joining ? 'shared' : 'miss');
    return this.flights.run(key, call, async (own) => {
      const page = await fetch(own);
      const kept = lifetime(page);
      if (kept === null) return page;
      // Stored by the flight, not by a caller: it is kept even when the caller that started it left.
      const expiresAt = this.now() + kept.ttlMs;
      // A count is as old as the page it came with: a cached page must not answer a later count.
      const stored: NativePage = { events: page.events, continuation: page.continuation };
      const entry: CachedPage = kept.replayOnly ? { page: stored, replayOnly: true, expiresAt } : { page: stored, expiresAt };
      const bodyBytes = page.bodyBytes;
      if (bodyBytes !== undefined) Object.assign(entry, { [JSON_BYTES]: cachedPageJsonBytes({ ...page, bodyBytes }) });
      await this.options.store.set<CachedPage>(key, entry, kept.ttlMs);
      return page;
    });
  }

  private isSettled(newest: string | undefined): boolean {
    const settledBefore = new Date(this.now() - (this.options.settleMs ?? 600_000)).toISOString();
    return newest !== undefined && newest.slice(0, 23) < settledBefore.slice(0, 23);
  }

  private lifetimeOfPage(query: NativeQuery, page: NativePage): { replayOnly: boolean; ttlMs: number } {
    const { settledTtlMs = 3_600_000, recentTtlMs = 30_000, openTtlMs = 60_000 } = this.options;
    const boundedOnNewestSide = query.direction === 'ASC' || query.anchor !== undefined || query.upper !== undefined;
    if (page.continuation === null || !boundedOnNewestSide) return { replayOnly: true, ttlMs: openTtlMs };
    const newest = page.events.reduce<string | undefined>((max, e) => (max === undefined || e.timeKey > max ? e.timeKey : max), undefined);
    return this.isSettled(newest) ? this.settled(settledTtlMs) : { replayOnly: true, ttlMs: recentTtlMs };
  }

  private settled(ttlMs: number): { replayOnly: boolean; ttlMs: number } {
    return { replayOnly: this.options.shareAcrossWalks === false, ttlMs };
  }

  /** An instant is complete once no late event can still land in it: settled like a page. A recent one is not kept (cursors never replay instants). */
  private lifetimeOfInstant(timeKey: string): { replayOnly: boolean; ttlMs: number } | null {
    const { settledTtlMs = 3_600_000 } = this.options;
    return this.isSettled(timeKey) && this.options.shareAcrossWalks !== false ? this.settled(settledTtlMs) : null;
  }
}
