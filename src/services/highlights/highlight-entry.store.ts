import type { CacheStore } from '../../datasources/cache/cache-store';
import { restCacheKey } from '../rest-cache-key';
import type { HighlightsView } from './highlights.types';
import type { HighlightsTuning } from './highlights.tuning';

/** What the cache holds per request id. */
export interface HighlightsEntry extends HighlightsView {
  /** Digest of the ask that posted it; null when first seen through `node(id)`. */
  readonly identity: string | null;
  readonly postedAt: number;
  /** Last GET (or claim of one), for the poll interval. */
  readonly polledAt: number;
  /** When it became READY or FAILED. */
  readonly doneAt: number | null;
  /** Client webhooks the gateway forwards the result to when it learns of it. */
  readonly forwardTo: readonly string[];
  /** The client webhook LogRocket itself was given (no gateway forward needed). */
  readonly directWebhook: string | null;
  /** Id in the token of the gateway webhook LogRocket was given for this request; null when none was. */
  readonly hookId?: string | null;
}

/** Options of {@link HighlightEntryStore}. */
export interface HighlightEntryStoreOptions {
  readonly cache: CacheStore;
  readonly ttls: Pick<HighlightsTuning, 'readyTtlMs' | 'pendingTtlMs' | 'failedTtlMs'>;
  readonly now: () => number;
}

/**
 * Highlights requests in the cache, per tenant and source: each entry under its request id, and
 * a pointer from the digest of the ask that posted it. Both live as long as the entry may answer
 * (its TTL by status); changes to one entry are applied one at a time in this process.
 */
export class HighlightEntryStore {
  /** Serialises read-modify-write of one entry in this process. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: HighlightEntryStoreOptions) {}

  /** Key of the pointer from an ask's digest to its request (and of the flight answering that ask). */
  askKey(tenantId: string, sourceId: string, identity: string): string {
    return restCacheKey('highlights-ask', tenantId, sourceId, identity);
  }

  /** Key of one request's entry (and, prefixed, of the flight polling it). */
  entryKey(tenantId: string, sourceId: string, requestId: string): string {
    return restCacheKey('highlights', tenantId, sourceId, requestId);
  }

  /** When an entry stops answering asks: READY and FAILED after their TTLs, PENDING when given up on. */
  private expiresAt(entry: HighlightsEntry): number {
    const { readyTtlMs, failedTtlMs, pendingTtlMs } = this.options.ttls;
    if (entry.status === 'READY') return (entry.doneAt ?? entry.postedAt) + readyTtlMs;
    if (entry.status === 'FAILED') return (entry.doneAt ?? entry.postedAt) + failedTtlMs;
    return entry.postedAt + pendingTtlMs;
  }

  /** Whether the entry may answer an ask; a FAILED one never does (the ask posts again). */
  isFresh(entry: HighlightsEntry): boolean {
    return entry.status !== 'FAILED' && this.expiresAt(entry) > this.options.now();
  }

  async save(tenantId: string, entry: HighlightsEntry): Promise<void> {
    const { cache, now } = this.options;
    const ttl = Math.max(1, this.expiresAt(entry) - now());
    await cache.set(this.entryKey(tenantId, entry.sourceId, entry.requestId), entry, ttl);
    if (entry.identity !== null) {
      await cache.set(this.askKey(tenantId, entry.sourceId, entry.identity), { requestId: entry.requestId }, ttl);
    }
  }

  load(tenantId: string, sourceId: string, requestId: string): Promise<HighlightsEntry | undefined> {
    return this.options.cache.get<HighlightsEntry>(this.entryKey(tenantId, sourceId, requestId));
  }

  /** The entry of the request last posted for an ask, if the cache still has it. */
  async loadAsked(tenantId: string, sourceId: string, identity: string): Promise<HighlightsEntry | undefined> {
    const pointer = await this.options.cache.get<{ requestId: string }>(this.askKey(tenantId, sourceId, identity));
    return pointer ? this.load(tenantId, sourceId, pointer.requestId) : undefined;
  }

  /**
   * Applies `change` to the cached entry (or to `known` when the cache lost it) and saves the
   * result, one change at a time per entry in this process, so that a late write never undoes a
   * newer one (a finished request never goes back to PENDING).
   */
  mutate(tenantId: string, known: HighlightsEntry, change: (current: HighlightsEntry) => HighlightsEntry): Promise<HighlightsEntry> {
    const key = this.entryKey(tenantId, known.sourceId, known.requestId);
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const current = (await this.load(tenantId, known.sourceId, known.requestId)) ?? known;
        const next = change(current);
        if (next !== current) await this.save(tenantId, next);
        return next;
      });
    this.locks.set(key, run);
    void run
      .finally(() => {
        if (this.locks.get(key) === run) this.locks.delete(key);
      })
      .catch(() => undefined);
    return run;
  }
}
