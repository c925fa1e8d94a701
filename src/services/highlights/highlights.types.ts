import type { HighlightsStatusValue, LogRocketSessionHighlight } from '../../datasources/logrocket/logrocket-rest.mapper';
import type { ParsedTimestamp } from '../../paging/time-key';

/** A `HighlightsInput`, as the resolver hands it over. */
export interface HighlightsCommand {
  readonly source?: string | null;
  readonly userEmail?: string | null;
  readonly userId?: string | null;
  readonly from?: ParsedTimestamp | null;
  readonly to?: ParsedTimestamp | null;
  readonly question?: string | null;
  readonly webhookUrl?: string | null;
}

/** The schema's `Highlights`. */
export interface HighlightsView {
  readonly sourceId: string;
  readonly requestId: string;
  readonly status: HighlightsStatusValue;
  readonly summary: string | null;
  readonly sessions: readonly LogRocketSessionHighlight[];
}

/** What `User.highlights` asks for. */
export interface UserHighlightsKey {
  readonly sourceId: string;
  readonly userId: string;
  readonly from: ParsedTimestamp | null;
  readonly to: ParsedTimestamp | null;
  readonly question: string | null;
}

/** Outcome of a webhook push, for the HTTP handler. */
export type HighlightsPushOutcome = 'accepted' | 'unauthorized' | 'unknown-request' | 'malformed';
