/**
 * LogRocket's REST API beyond the audit log: users, Galileo highlights and data export. Two
 * descriptions disagree (LogRocket's own docs and a third-party OpenAPI description); the wire
 * types below admit both and the mapper reads either.
 */

/** A trait value as LogRocket accepts it; it answers every value as a string. */
export type LogRocketTraitValue = string | number | boolean;

/** Body of `PUT /v1/orgs/{org}/apps/{app}/users/{userId}`. */
export interface LogRocketUserRequest {
  readonly name?: string;
  readonly email?: string;
  /** Epoch ms; sets the user's first/last seen. */
  readonly timestamp?: number;
  /** Present traits are updated, absent ones kept, a blank value removes the trait. */
  readonly traits?: Readonly<Record<string, LogRocketTraitValue>>;
}

/** The user LogRocket answers a PUT with: `userID` in its docs, `userId` in the third-party OpenAPI. */
export interface LogRocketUserWire {
  readonly userID?: string | number;
  readonly userId?: string | number;
  readonly name?: string | null;
  readonly email?: string | null;
  /** Every value a string, as documented; the reader stringifies anything else. */
  readonly traits?: Record<string, unknown> | null;
}

/** Body of `POST /v1/orgs/{org}/apps/{app}/highlights/`: exactly one of `userEmail`, `userID`. */
export interface LogRocketHighlightsRequest {
  readonly userEmail?: string;
  readonly userID?: string;
  readonly question?: string;
  readonly timeRange?: { readonly startMs?: number; readonly endMs?: number };
  /** LogRocket POSTs the ready result here. */
  readonly webhookURL?: string;
}

/**
 * Answer of the highlights POST: officially just `{id}`; the third-party OpenAPI says a whole
 * {@link LogRocketHighlightsWire}.
 */
export interface LogRocketHighlightsCreated {
  readonly id?: string | number;
  readonly requestID?: string | number;
  readonly requestId?: string | number;
  readonly status?: string;
  readonly result?: LogRocketHighlightsResultWire | null;
}

/** `GET …/highlights/?id=` answer, and what LogRocket pushes to a webhook. */
export interface LogRocketHighlightsWire {
  readonly requestID?: string | number;
  readonly requestId?: string | number;
  readonly appID?: string;
  /** `PENDING`, then `READY` (docs) or `COMPLETE` (third-party OpenAPI), or `FAILED`. */
  readonly status?: string;
  readonly result?: LogRocketHighlightsResultWire | null;
}

/** A finished highlights result. */
export interface LogRocketHighlightsResultWire {
  /** Markdown across all sessions. */
  readonly highlights?: string | null;
  readonly sessions?: readonly LogRocketSessionHighlightWire[] | null;
}

/**
 * One session's highlights: `{recordingID, sessionID: number, highlights}` in the docs,
 * `{sessionId: string, highlights}` in the third-party OpenAPI.
 */
export interface LogRocketSessionHighlightWire {
  readonly recordingID?: string;
  readonly recordingId?: string;
  readonly sessionID?: number | string;
  readonly sessionId?: number | string;
  readonly highlights?: string | null;
}

/** `GET /v1/orgs/{org}/apps/{app}/data-export/` answer. */
export interface LogRocketDataExportWire {
  /** A string even when it looks numeric; may arrive as a JSON number all the same. */
  readonly cursor?: string | number | null;
  readonly sessions?: readonly { readonly url?: string }[] | null;
}
