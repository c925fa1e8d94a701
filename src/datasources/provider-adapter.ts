import type { AuditEventRecord, EventFilter, SourceRef } from '../domain/audit-event';
import type { NativePage, NativeQuery } from '../paging/anchored-scan';
import type { ScanDirection } from '../paging/event-order';
import type { UpstreamCall, UpstreamHttpClient } from './http-client';
import type { EventLookup } from './source-adapter';

/** What a provider's list endpoint can do, declared once by its adapter; the shared code decides from it. */
export interface ProviderCapabilities {
  /** Orders the provider lists in natively; a scan in another order is emulated by reading time windows ascending. */
  readonly orders: readonly ScanDirection[];
  /**
   * `stable`: a keyset cursor that never skips or repeats. `unstable`: offsets that shift as logs
   * arrive and ties whose order changes between calls (every page is then re-anchored at a time,
   * and an instant that fills a page is read on its own with `fetchInstant`).
   */
  readonly continuation: 'stable' | 'unstable';
  /** Finest time unit the provider's time filters take; a bound finer than that is widened to it. */
  readonly precision: 'second' | 'millisecond';
  /**
   * `first-page`: a query's first page carries the exact count of what it matches
   * (`NativePage.total`), when the provider applies the whole filter. `none`: no cheap count.
   */
  readonly counts: 'first-page' | 'none';
}

/** Native page sizes to ask a provider for. */
export interface PageLimits {
  readonly min: number;
  readonly max: number;
}

/** What the shared code makes every adapter with. */
export interface AdapterContext {
  /** The source as tenants see it: its config id and the provider's `kind`. */
  readonly ref: SourceRef;
  /** The source's one HTTP client (pool, budget, breaker); the shared code closes it. */
  readonly http: UpstreamHttpClient;
  /** The provider's least page, and the source's `pageSize` (or the provider's default). */
  readonly pageLimits: PageLimits;
}

/** What a provider makes of one filter: the part it applies itself, and how to read pages of it. */
export interface NativePlan {
  /** What the provider is asked to filter, in its own terms (JSON-safe); also scopes cached pages. */
  readonly pushedDown: unknown;
  /** True when the provider applies every field of the filter, so the gateway drops nothing. */
  readonly complete: boolean;
  /** One native page. With `counts: 'first-page'`, a first page (no anchor, no continuation) may carry `total`. */
  fetchPage(query: NativeQuery, call: UpstreamCall): Promise<NativePage>;
  /** Every event at exactly `timeKey`; required with `continuation: 'unstable'`. */
  fetchInstant?(timeKey: string, bounds: Pick<NativeQuery, 'lower' | 'upper'>, call: UpstreamCall): Promise<readonly AuditEventRecord[]>;
}

/**
 * The shared provider interface: everything a provider folder supplies. Paging, caching, counts
 * alongside pages and id checks are the shared code's (see `ConfiguredSource`); an adapter only
 * speaks its provider's API.
 */
export interface ProviderAdapter {
  readonly ref: SourceRef;
  readonly capabilities: ProviderCapabilities;
  readonly pageLimits: PageLimits;
  /** Whether `nativeId` can be one of this provider's ids; a lookup of any other id answers null without a call. */
  isNativeId(nativeId: string): boolean;
  /** The native plan for `filter`. Making it reads nothing. */
  plan(filter: EventFilter): NativePlan;
  /**
   * Applied to every set of complete instants before it is handed out: LogRocket uses it to tell
   * identical logs of one instant apart, which only works on whole instants.
   */
  completeInstants?(events: readonly AuditEventRecord[]): readonly AuditEventRecord[];
  /**
   * Exact number of events matching `filter` in one cheap call, or null when the provider cannot
   * count this filter exactly. Adapters with `counts: 'none'` leave it out.
   */
  countEvents?(filter: EventFilter, call: UpstreamCall): Promise<number | null>;
  /** One event by native id (and its time, which LogRocket needs to find it); null when absent. */
  getEvent(nativeId: string, timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null>;
  /** Several events at once, in input order, for providers with no single-record endpoint. */
  getEvents?(lookups: readonly EventLookup[], call: UpstreamCall): Promise<(AuditEventRecord | null)[]>;
}

/** The part every adapter shares: who it reads for and how large its pages are. */
export abstract class ProviderAdapterBase<Options extends AdapterContext = AdapterContext> implements ProviderAdapter {
  readonly ref: SourceRef;
  readonly pageLimits: PageLimits;
  abstract readonly capabilities: ProviderCapabilities;

  constructor(protected readonly options: Options) {
    this.ref = options.ref;
    this.pageLimits = options.pageLimits;
  }

  abstract isNativeId(nativeId: string): boolean;
  abstract plan(filter: EventFilter): NativePlan;
  abstract getEvent(nativeId: string, timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null>;
}
