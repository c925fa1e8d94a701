import { badShape, isRecord, optionalId, optionalString } from '../wire-guards';

/** A LogRocket user as auditgraph hands it on: every trait value a string. */
export interface LogRocketUser {
  readonly userId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly traits: Readonly<Record<string, string>>;
}

/** Where a highlights request stands, in the schema's terms. */
export type HighlightsStatusValue = 'PENDING' | 'READY' | 'FAILED';

/** One session of a finished highlights result. */
export interface LogRocketSessionHighlight {
  readonly recordingId: string;
  readonly sessionId: number | null;
  /** Markdown. */
  readonly summary: string;
  /** The session's replay page, when it can be built. */
  readonly url: string | null;
}

/** A highlights request as read from LogRocket (GET, POST answer or webhook push). */
export interface LogRocketHighlights {
  /** Null when the body did not repeat it (the caller knows it). */
  readonly requestId: string | null;
  readonly status: HighlightsStatusValue;
  /** Markdown across all sessions, when READY. */
  readonly summary: string | null;
  readonly sessions: readonly LogRocketSessionHighlight[];
}

/** One page of LogRocket's data export. */
export interface LogRocketDataExportPage {
  /** Where the next page starts; always text, whatever JSON type it arrived as. */
  readonly cursor: string | null;
  readonly urls: readonly string[];
}

/** The org and app a session URL is built for. */
export interface LogRocketAppRef {
  readonly orgId: string;
  readonly appId: string;
}

/** Base of LogRocket's web app, where session replays live. */
export const LOGROCKET_APP_URL = 'https://app.logrocket.com';

/** Request id under any of the spellings seen: `requestID` (docs), `requestId`, `id` (POST answer). */
function requestIdOf(body: Record<string, unknown>): string | null {
  return optionalId(body.requestID) ?? optionalId(body.requestId) ?? optionalId(body.id);
}

/**
 * Reads the user a PUT answered with. `userID` (LogRocket's docs) and `userId` (the third-party OpenAPI) are both
 * accepted; trait values that are not strings are stringified and blank ones dropped, since a
 * blank value means "removed". An empty body falls back to `requested`: the PUT succeeded, and
 * what was sent is the best knowledge there is.
 */
export function readLogRocketUser(sourceId: string, body: unknown, requested: LogRocketUser): LogRocketUser {
  if (body === null || body === undefined || body === '') return requested;
  if (!isRecord(body)) badShape(sourceId, 'the user is not a JSON object');
  const userId = optionalId(body.userID) ?? optionalId(body.userId) ?? requested.userId;
  // Null prototype: a trait may be called `__proto__`.
  const traits: Record<string, string> = Object.create(null) as Record<string, string>;
  if (isRecord(body.traits)) {
    for (const [key, value] of Object.entries(body.traits)) {
      const text = traitText(value);
      if (text !== null && text !== '') traits[key] = text;
    }
  } else if (body.traits !== undefined && body.traits !== null) {
    badShape(sourceId, 'the user\'s "traits" is not an object');
  }
  return {
    userId,
    name: optionalString(body.name),
    email: optionalString(body.email),
    traits,
  };
}

/** A trait value as LogRocket shows it: a string, whatever was sent. */
export function traitText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** `READY` (docs) and `COMPLETE` (the third-party OpenAPI) are both done; anything unknown is still pending. */
export function readHighlightsStatus(value: unknown, hasResult: boolean): HighlightsStatusValue {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (text === 'READY' || text === 'COMPLETE' || text === 'COMPLETED' || text === 'DONE' || text === 'SUCCEEDED') return 'READY';
  if (text === 'FAILED' || text === 'FAILURE' || text === 'ERROR') return 'FAILED';
  // A result without a status can only be a finished one (some pushes carry just the result).
  if (text === '' && hasResult) return 'READY';
  return 'PENDING';
}

/** The replay page of a session: `/{org}/{app}/s/{recordingId}/{sessionId}`. */
export function sessionUrl(app: LogRocketAppRef, recordingId: string, sessionId: number | null): string {
  const base = `${LOGROCKET_APP_URL}/${encodeURIComponent(app.orgId)}/${encodeURIComponent(app.appId)}/s/${encodeURIComponent(recordingId)}`;
  return sessionId === null ? base : `${base}/${sessionId}`;
}

function nonNegativeInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/**
 * One session, in either shape: `{recordingID, sessionID: 0}` (docs) or `{sessionId: "…"}`
 * (the third-party OpenAPI, where the string is a recording id, optionally followed by `/<session number>` as in
 * LogRocket's session links). Null when it names no session at all.
 */
export function readSessionHighlight(app: LogRocketAppRef, wire: unknown): LogRocketSessionHighlight | null {
  if (!isRecord(wire)) return null;
  const summary = optionalString(wire.highlights) ?? optionalString(wire.summary) ?? '';
  let recordingId = optionalString(wire.recordingID) ?? optionalString(wire.recordingId);
  const rawSession = wire.sessionID ?? wire.sessionId;
  let sessionId = nonNegativeInt(rawSession);
  if (recordingId === null || recordingId === '') {
    const text = optionalId(rawSession);
    if (text === null || text === '') return null;
    const composite = /^(.+)\/(\d{1,15})$/.exec(text);
    recordingId = composite ? composite[1]! : text;
    sessionId = composite ? Number(composite[2]) : null;
  }
  return { recordingId, sessionId, summary, url: sessionUrl(app, recordingId, sessionId) };
}

/**
 * Reads a highlights answer: GET (`{requestID, appID, status, result}`), the POST answer (`{id}`
 * officially, the whole response in the third-party OpenAPI) or a webhook push. Unreadable sessions are skipped.
 */
export function readLogRocketHighlights(sourceId: string, body: unknown, app: LogRocketAppRef): LogRocketHighlights {
  if (!isRecord(body)) badShape(sourceId, 'the highlights answer is not a JSON object');
  // Some pushes may carry the result at the top level rather than under `result`.
  const result = isRecord(body.result) ? body.result : 'highlights' in body || 'sessions' in body ? body : null;
  const status = readHighlightsStatus(body.status, result !== null);
  const sessions =
    status === 'READY' && result !== null && Array.isArray(result.sessions)
      ? result.sessions.map((s) => readSessionHighlight(app, s)).filter((s): s is LogRocketSessionHighlight => s !== null)
      : [];
  return {
    requestId: requestIdOf(body),
    status,
    summary: status === 'READY' && result !== null ? (optionalString(result.highlights) ?? optionalString(result.summary)) : null,
    sessions,
  };
}

/** Reads the POST answer; it must name the request id under some spelling. */
export function readHighlightsCreated(sourceId: string, body: unknown, app: LogRocketAppRef): LogRocketHighlights & { requestId: string } {
  const read = readLogRocketHighlights(sourceId, body, app);
  if (read.requestId === null || read.requestId === '') badShape(sourceId, 'the highlights request has no id');
  return { ...read, requestId: read.requestId };
}

/** Reads a data-export page; the cursor is kept as text (it may look numeric, and may exceed 2^53). */
export function readDataExportPage(sourceId: string, body: unknown): LogRocketDataExportPage {
  if (!isRecord(body)) badShape(sourceId, 'the data export page is not a JSON object');
  const sessions = body.sessions ?? [];
  if (!Array.isArray(sessions)) badShape(sourceId, 'the data export "sessions" is not a list');
  const urls = sessions.map((session) => {
    const url = isRecord(session) ? optionalString(session.url) : null;
    if (url === null || url === '') badShape(sourceId, 'an exported session has no "url"');
    return url;
  });
  return { cursor: optionalId(body.cursor), urls };
}
