import type { AuditEventRecord } from '../domain/audit-event';
import type { SourceHint } from './cursor-codec';
import type { EventKey, ScanDirection } from './event-order';

/** Caps the native requests one page may spend on one source. */
export interface ScanBudget {
  /** Claims one native request; false when the budget is spent. */
  take(): boolean;
  /** Requests claimed so far. */
  readonly used: number;
}

/** Creates a budget of `limit` native requests. */
export function createScanBudget(limit: number): ScanBudget {
  let used = 0;
  return {
    take() {
      if (used >= limit) return false;
      used += 1;
      return true;
    },
    get used() {
      return used;
    },
  };
}

/** What a scan of one source is asked for. */
export interface ScanRequest {
  readonly direction: ScanDirection;
  /**
   * Exclusive start in the whole timeline's order (source id included, so a position made by
   * another source's event works too); absent to start at the beginning in `direction`.
   */
  readonly after?: EventKey;
  /** Inclusive lower time bound (time key). */
  readonly lower?: string;
  /** Exclusive upper time bound (time key). */
  readonly upper?: string;
  /** How many events the caller expects to take; sizes native pages. */
  readonly want: number;
  /** True when the gateway filters events itself, so most of what is read may be dropped. */
  readonly filtering: boolean;
  readonly hint?: SourceHint;
  readonly budget: ScanBudget;
}

/** What a scan yields: complete, ordered batches, then an end or a spent budget. */
export type ScanItem =
  | {
      readonly kind: 'events';
      /** In scan order; nothing between two batches is ever missing. */
      readonly events: readonly AuditEventRecord[];
      /** Hint to store in cursors that resume right after any of these events. */
      readonly hint?: SourceHint;
    }
  | { readonly kind: 'end' }
  | { readonly kind: 'budget' };

/** A source's events walked in the timeline order, resumable from any position. */
export interface SourceScanner {
  scan(request: ScanRequest): AsyncGenerator<ScanItem, void, undefined>;
}
