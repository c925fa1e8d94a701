import type { AuditEventRecord, EventFilter, SourceRef } from '../domain/audit-event';
import { activeFilterFields } from '../paging/event-filter';
import type { PageCache } from './cache/page-cache';
import type { UpstreamCall } from './http-client';
import { countableTimeRange } from './native-time-range';
import type { NativePlan, ProviderAdapter } from './provider-adapter';
import type { EventLookup, FilteredScanner, ScanContext, SourceAdapter } from './source-adapter';
import { createSourceScanner } from './source-scanner';

/** What a configured source is built with besides its provider adapter. */
export interface ConfiguredSourceOptions {
  /** Shared native page cache; absent to read without one. */
  readonly pages?: PageCache;
  /** Digest of the source's credentials, part of every cache key. */
  readonly credentials: string;
  /** Clock (epoch ms). */
  readonly now?: () => number;
  /** First window of an emulated newest-first scan; default one hour. */
  readonly initialWindowMs?: number;
  /** Releases what the source holds (its HTTP client). */
  readonly close: () => Promise<void>;
}

/** Whether the gateway must filter what `plan` reads for `filter`: the provider leaves some set field to it. */
export function gatewayFilters(plan: Pick<NativePlan, 'complete'>, filter: EventFilter): boolean {
  return !plan.complete && activeFilterFields(filter).length > 0;
}

/**
 * A configured source as the services see it, the same for every provider: its adapter's native
 * plan behind the shared scan factory, counts where the adapter's capabilities make them exact,
 * and lookups that never call the provider for an id it cannot have.
 */
export class ConfiguredSource implements SourceAdapter {
  readonly ref: SourceRef;
  /** Present when the adapter reads several events at once (see `SourceAdapter.getEvents`). */
  readonly getEvents?: (lookups: readonly EventLookup[], call: UpstreamCall) => Promise<(AuditEventRecord | null)[]>;
  private readonly now: () => number;

  constructor(
    private readonly adapter: ProviderAdapter,
    private readonly options: ConfiguredSourceOptions,
  ) {
    this.ref = adapter.ref;
    this.now = options.now ?? Date.now;
    const batch = adapter.getEvents?.bind(adapter);
    if (batch) {
      this.getEvents = async (lookups, call) => {
        const possible = lookups.map((l) => adapter.isNativeId(l.nativeId));
        const answers = await batch(
          lookups.filter((_, i) => possible[i]),
          call,
        );
        let next = 0;
        return possible.map((ok) => (ok ? (answers[next++] ?? null) : null));
      };
    }
  }

  scanner(filter: EventFilter, context: ScanContext): FilteredScanner {
    const plan = this.adapter.plan(filter);
    const filtering = gatewayFilters(plan, filter);
    const { pages, credentials } = this.options;
    const scope = { tenantId: context.tenantId, sourceId: this.ref.id, credentials, parameters: JSON.stringify(plan.pushedDown) };
    const scanner = createSourceScanner({
      adapter: this.adapter,
      plan,
      call: context.call,
      filtering,
      pages: pages && { cache: pages, scope },
      onTotal: context.onTotal && this.countsWithFirstPage(filter) ? context.onTotal : undefined,
      now: this.now,
      initialWindowMs: this.options.initialWindowMs,
    });
    return { scanner, filtering, pushedDown: plan.pushedDown };
  }

  countsWithFirstPage(filter: EventFilter): boolean {
    const { counts, precision } = this.adapter.capabilities;
    return counts === 'first-page' && !gatewayFilters(this.adapter.plan(filter), filter) && countableTimeRange(filter, precision);
  }

  async countEvents(filter: EventFilter, call: UpstreamCall): Promise<number | null> {
    if (!this.adapter.countEvents || !this.countsWithFirstPage(filter)) return null;
    return this.adapter.countEvents(filter, call);
  }

  async getEvent(nativeId: string, timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    if (!this.adapter.isNativeId(nativeId)) return null;
    return this.adapter.getEvent(nativeId, timeKey, call);
  }

  async close(): Promise<void> {
    await this.options.close();
  }
}
