import type { AuditEventRecord, EventFilter, SourceRef } from '../domain/audit-event';
import type { SourceScanner } from '../paging/scan.types';
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
