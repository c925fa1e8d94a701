import type { AuditEventRecord, EventFilter, SourceRef } from '../domain/audit-event';
import type { SourceScanner } from '../paging/scan.types';
import type { UpstreamCall } from './http-client';

/** A scanner made for one filter, and whether the gateway has to filter what it yields. */
export interface FilteredScanner {
  readonly scanner: SourceScanner;
  /** True when some filter field is not applied by the provider itself. */
  readonly filtering: boolean;
}

/** What every provider adapter offers the services. */
export interface SourceAdapter {
  readonly ref: SourceRef;
  /** A scanner over this source's events for `filter`, spending upstream calls within `call`. */
  scanner(filter: EventFilter, call: UpstreamCall): FilteredScanner;
  /** Exact number of events matching `filter` when the provider gives it cheaply, else null. */
  countEvents(filter: EventFilter, call: UpstreamCall): Promise<number | null>;
  /** One event by native id (and its time, which LogRocket needs to find it); null when absent. */
  getEvent(nativeId: string, timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null>;
  close(): Promise<void>;
}

/** Native page size: what is wanted plus the two a boundary and a look-ahead cost, within the provider's limits. */
export function nativePageSize(want: number, filtering: boolean, limits: { min: number; max: number }): number {
  if (filtering) return limits.max;
  return Math.min(limits.max, Math.max(limits.min, want + 2));
}
