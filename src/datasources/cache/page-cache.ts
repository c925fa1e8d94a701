import { createHash } from 'node:crypto';
import type { AnchoredSource, NativePage, NativeQuery } from '../../paging/anchored-scan';
import type { UpstreamCall } from '../http-client';
import { SharedFlights } from '../shared-flight';
import type { CacheStore } from './cache-store';
import { JSON_BYTES } from './tenant-bounded-map';

/**
 * Upper bound of a cached page's JSON from the provider's response size: an event keeps its wire
 * record (`raw`) and its mapped fields, which reuse the wire's strings; the mapped fields add at
 * most about 240 bytes an event beyond a second copy of the wire (measured on full pages of the
 * four simulators: LogRocket 238, Nirvana 131, Zendesk 24, Losant below zero).
 */
export function cachedPageJsonBytes(page: NativePage & { bodyBytes: number }, walk: string | undefined): number {
  return 2 * page.bodyBytes + 320 * page.events.length + 200 + (walk?.length ?? 0);
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
  /** TTL of a page with events younger than the settle window, reused only by the walk that read it; default 30 s. */
  readonly recentTtlMs?: number;
  /** TTL of an open page (the newest end of a query), reused only by the walk that read it; default 60 s. */
  readonly openTtlMs?: number;
  /** false: settled pages too serve only the walk that read them, so every new walk reads afresh; default true. */
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
  /** The paging session; open pages are shared only within it. */
  readonly walk: string;
}

interface CachedPage {
  readonly page: NativePage;
  /** Set for an open page: only this walk may reuse it. */
  readonly walk?: string;
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
 *   seconds) — is reused only by the walk that read it, for seconds, so a new walk always sees
 *   every event that exists when it starts.
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
   * The source, for `call`, with its `fetchPage` (and `fetchInstant`) served from the cache where
   * the rules allow. `sourceFor` builds the provider's source for any call: a shared read runs on a
   * call of its own, so that no single caller's hang-up cancels it for the others.
   */
  wrap(sourceFor: (call: UpstreamCall) => AnchoredSource, scope: PageScope, call: UpstreamCall): AnchoredSource {
    const source = sourceFor(call);
    const fetchPage = (query: NativeQuery): Promise<NativePage> =>
      this.lookup(
        this.keyFor(scope, query),
        scope.walk,
        call,
        (own) => sourceFor(own).fetchPage(query),
        (page) => this.lifetimeOfPage(query, page, scope.walk),
      );
    const fetchInstant =
      source.fetchInstant &&
      (async (timeKey: string, bounds: Pick<NativeQuery, 'lower' | 'upper'>) => {
        const page = await this.lookup(
          this.instantKeyFor(scope, timeKey, bounds),
          scope.walk,
          call,
          async (own) => ({ events: await sourceFor(own).fetchInstant!(timeKey, bounds), continuation: null }),
          () => this.lifetimeOfInstant(timeKey, scope.walk),
        );
        return page.events;
      });
    return Object.assign(Object.create(source) as AnchoredSource, {
      fetchPage,
      replaysFromCache: true,
      ...(fetchInstant ? { fetchInstant } : {}),
    });
  }

  private async lookup(
    key: string,
    walk: string,
    call: UpstreamCall,
    fetch: (call: UpstreamCall) => Promise<NativePage>,
    lifetime: (page: NativePage) => { walk?: string; ttlMs: number },
  ): Promise<NativePage> {
    const cached = await this.options.store.get<CachedPage>(key);
    if (
      cached &&
      (cached.walk === undefined || cached.walk === walk) &&
      (cached.expiresAt === undefined || cached.expiresAt > this.now())
    ) {
      this.stats.hits += 1;
      this.options.onLookup?.('hit');
      return cached.page;
    }
    const joining = this.flights.has(key);
    this.stats[joining ? 'shared' : 'misses'] += 1;
    this.options.onLookup?.(joining ? 'shared' : 'miss');
    return this.flights.run(key, call, async (own) => {
      const page = await fetch(own);
      const { walk: owner, ttlMs } = lifetime(page);
      // Stored by the flight, not by a caller: it is kept even when the caller that started it left.
      const expiresAt = this.now() + ttlMs;
      // A count is as old as the page it came with: a cached page must not answer a later count.
      const stored: NativePage = { events: page.events, continuation: page.continuation };
      const entry: CachedPage = owner === undefined ? { page: stored, expiresAt } : { page: stored, walk: owner, expiresAt };
      const bodyBytes = page.bodyBytes;
      if (bodyBytes !== undefined) Object.assign(entry, { [JSON_BYTES]: cachedPageJsonBytes({ ...page, bodyBytes }, owner) });
      await this.options.store.set<CachedPage>(key, entry, ttlMs);
      return page;
    });
  }

  private isSettled(newest: string | undefined): boolean {
    const settledBefore = new Date(this.now() - (this.options.settleMs ?? 600_000)).toISOString();
    return newest !== undefined && newest.slice(0, 23) < settledBefore.slice(0, 23);
  }

  private lifetimeOfPage(query: NativeQuery, page: NativePage, walk: string): { walk?: string; ttlMs: number } {
    const { settledTtlMs = 3_600_000, recentTtlMs = 30_000, openTtlMs = 60_000 } = this.options;
    const boundedOnNewestSide = query.direction === 'ASC' || query.anchor !== undefined || query.upper !== undefined;
    if (page.continuation === null || !boundedOnNewestSide) return { walk, ttlMs: openTtlMs };
    const newest = page.events.reduce<string | undefined>((max, e) => (max === undefined || e.timeKey > max ? e.timeKey : max), undefined);
    return this.isSettled(newest) ? this.settled(walk, settledTtlMs) : { walk, ttlMs: recentTtlMs };
  }

  private settled(walk: string, ttlMs: number): { walk?: string; ttlMs: number } {
    return this.options.shareAcrossWalks === false ? { walk, ttlMs } : { ttlMs };
  }

  /** An instant is complete once no late event can still land in it: settled like a page. */
  private lifetimeOfInstant(timeKey: string, walk: string): { walk?: string; ttlMs: number } {
    const { settledTtlMs = 3_600_000, recentTtlMs = 30_000 } = this.options;
    return this.isSettled(timeKey) ? this.settled(walk, settledTtlMs) : { walk, ttlMs: recentTtlMs };
  }
}
