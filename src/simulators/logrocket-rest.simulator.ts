import { createHash } from 'node:crypto';
import { decodePathSegment, parseStrictInt } from './query-values';
import { jsonReply, textReply, type SimulatorReply, type SimulatorRequest } from './simulator-server';

/**
 * Which of the two descriptions of LogRocket's REST API the simulator answers in: `docs` is
 * LogRocket's own (`userID`, POST answers `{id}`, `READY`, sessions with `recordingID` +
 * numeric `sessionID`); `seed` is a third-party OpenAPI description of the API (`userId`, POST answers
 * the whole response, `COMPLETE`, sessions with a string `sessionId`).
 */
export type LogRocketRestShape = 'docs' | 'seed';

/** Options of the users / highlights / data-export part of the LogRocket simulator. */
export interface LogRocketRestSimulatorOptions {
  /** Time a highlights request stays PENDING, ms (default 3000; LogRocket takes 1–3 minutes). */
  highlightDelayMs?: number;
  /** Wire shape of answers (default `docs`). */
  restShape?: LogRocketRestShape;
  /** Exported sessions generated at start (default 150). */
  exportCount?: number;
  /** Start and end (epoch ms) of the generated exports' finish times. */
  exportRange?: { start: number; end: number };
}

/** A user as the simulator stores it. */
export interface SimulatedLogRocketUser {
  userID: string;
  name?: string;
  email?: string;
  traits: Record<string, string>;
  firstSeenMs?: number;
  lastSeenMs?: number;
}

/** A highlights request as the simulator tracks it. */
export interface SimulatedHighlightsRequest {
  requestID: string;
  userEmail?: string;
  userID?: string;
  question?: string;
  timeRange?: { startMs?: number; endMs?: number };
  webhookURL?: string;
  createdAtMs: number;
  /** When it stops being PENDING (creation plus the delay in force then). */
  readyAtMs: number;
  /** The status it will settle on. */
  outcome: 'READY' | 'FAILED';
}

/** One push the simulator made to a webhook. */
export interface SimulatedWebhookPush {
  url: string;
  requestID: string;
  /** HTTP status of the receiver's answer, or `error`. */
  status: number | 'error';
}

/** The LogRocket REST endpoints, mounted by the LogRocket simulator after it authenticated. */
export interface LogRocketRestApi {
  /** Answers `/users/{id}`, `/highlights/`, `/data-export/` (the path after `/apps/{app}`); undefined for other paths. */
  handle(request: SimulatorRequest, subPath: string): SimulatorReply | undefined;
  /** Current users (copies). */
  users(): SimulatedLogRocketUser[];
  /** Highlights requests so far (copies). */
  highlightRequests(): SimulatedHighlightsRequest[];
  /** POSTs to `/highlights/` so far (accepted or not). */
  readonly highlightPosts: number;
  /** GETs of `/highlights/` so far. */
  readonly highlightPolls: number;
  /** Pushes made to webhooks so far. */
  readonly webhookPushes: readonly SimulatedWebhookPush[];
  setHighlightDelayMs(ms: number): void;
  /** Exported session URLs, oldest first. */
  exports(): string[];
  /** Appends newly exported sessions; returns their URLs. */
  insertExports(count: number): string[];
  /** Stops pending webhook pushes. */
  close(): void;
}

/** The longest id, name, email or trait value LogRocket accepts. */
export const LOGROCKET_MAX_STRING = 1024;
/** Users, emails or questions starting with this (any case) make a highlights request FAIL. */
export const FAILING_HIGHLIGHTS_PREFIX = 'fail';

const USERS_PATH = /^\/users\/([^/]+)$/;
const EXPORT_MAX_LIMIT = 100;
const EXPORT_DEFAULT_LIMIT = 10;
// Export cursors look numeric and exceed 2^53, so a client that reads them as numbers breaks.
const EXPORT_CURSOR_BASE = 90_071_992_547_409_930_000n;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function tooLong(value: string): boolean {
  return [...value].length > LOGROCKET_MAX_STRING;
}

function hex(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Creates the REST part of a LogRocket simulator for one org and app. */
export function createLogRocketRestApi(
  app: { orgId: string; appId: string },
  options: LogRocketRestSimulatorOptions = {},
): LogRocketRestApi {
  const shape = options.restShape ?? 'docs';
  let delayMs = options.highlightDelayMs ?? 3_000;
  const users = new Map<string, SimulatedLogRocketUser>();
  const highlights = new Map<string, SimulatedHighlightsRequest>();
  const pushes: SimulatedWebhookPush[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let posts = 0;
  let polls = 0;
  let closed = false;

  const exportCount = options.exportCount ?? 150;
  const range = options.exportRange ?? { start: Date.now() - 7 * 86_400_000, end: Date.now() - 3_600_000 };
  const exported: { finishedMs: number; url: string }[] = [];
  const exportUrl = (index: number) =>
    `https://storage.example.com/logrocket/${app.orgId}/${app.appId}/sessions/${hex(`export-${index}`, 16)}.jsonl`;
  for (let i = 0; i < exportCount; i += 1) {
    const finishedMs = range.start + Math.floor(((range.end - range.start) * i) / Math.max(1, exportCount));
    exported.push({ finishedMs, url: exportUrl(i) });
  }

  // ---- users --------------------------------------------------------------------------

  const putUser = (request: SimulatorRequest, rawId: string): SimulatorReply => {
    if (request.method !== 'PUT') return textReply(405, `Method "${request.method}" not allowed.`);
    const userId = decodePathSegment(rawId);
    if (userId === undefined || userId === '') return textReply(400, 'Invalid user id.');
    if (tooLong(userId)) return textReply(400, 'User id is too large.');
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      return textReply(400, 'Missing or malformed request body.');
    }
    if (!isRecord(body)) return textReply(400, 'Missing or malformed request body.');
    for (const field of ['name', 'email'] as const) {
      const value = body[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') return textReply(400, `Invalid ${field}.`);
      if (tooLong(value)) return textReply(400, `Value of ${field} is too large.`);
    }
    if (body.timestamp !== undefined && !Number.isSafeInteger(body.timestamp)) return textReply(400, 'Invalid timestamp.');
    const traits = body.traits ?? {};
    if (!isRecord(traits)) return textReply(400, 'Invalid traits.');
    for (const [key, value] of Object.entries(traits)) {
      if (key === '' || tooLong(key)) return textReply(400, 'Invalid trait name.');
      const ok = typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'string';
      if (!ok) return textReply(400, `Invalid value for trait ${key}.`);
      if (typeof value === 'string' && tooLong(value)) return textReply(400, `Value of trait ${key} is too large.`);
    }
    const user: SimulatedLogRocketUser = users.get(userId) ?? { userID: userId, traits: {} };
    if (typeof body.name === 'string') user.name = body.name;
    if (typeof body.email === 'string') user.email = body.email;
    if (typeof body.timestamp === 'number') {
      user.firstSeenMs = Math.min(user.firstSeenMs ?? body.timestamp, body.timestamp);
      user.lastSeenMs = Math.max(user.lastSeenMs ?? body.timestamp, body.timestamp);
    }
    // LogRocket's merge: present traits replace, absent ones stay, a blank value removes.
    for (const [key, value] of Object.entries(traits)) {
      const text = String(value);
      if (text === '') delete user.traits[key];
      else user.traits[key] = text;
    }
    users.set(userId, user);
    const answer = {
      [shape === 'docs' ? 'userID' : 'userId']: user.userID,
      ...(user.name !== undefined ? { name: user.name } : {}),
      ...(user.email !== undefined ? { email: user.email } : {}),
      traits: { ...user.traits },
    };
    return jsonReply(200, answer);
  };

  // ---- highlights ---------------------------------------------------------------------

  const statusOf = (entry: SimulatedHighlightsRequest): 'PENDING' | 'READY' | 'FAILED' =>
    Date.now() >= entry.readyAtMs ? entry.outcome : 'PENDING';

  const resultOf = (entry: SimulatedHighlightsRequest) => {
    const who = entry.userEmail ?? entry.userID ?? 'unknown';
    const recording = `6-${hex(`${app.appId}|${who}`, 8)}-${hex(`${who}|rec`, 4)}-${hex(entry.requestID, 12)}`;
    const sessions = [0, 1].map((n) => ({
      recordingID: recording,
      sessionID: n,
      highlights: `- ${who} ${n === 0 ? 'signed in and opened the billing page' : 'hit an error while saving settings'} ([0:${12 + n * 7}](https://app.logrocket.com/${app.orgId}/${app.appId}/s/${recording}/${n}?t=${12 + n * 7}000))`,
    }));
    return {
      highlights: `**${who}**${entry.question ? ` — ${entry.question}` : ''}: two recent sessions; one error while saving settings.`,
      sessions:
        shape === 'docs' ? sessions : sessions.map((s) => ({ sessionId: `${s.recordingID}/${s.sessionID}`, highlights: s.highlights })),
    };
  };

  const answerOf = (entry: SimulatedHighlightsRequest) => {
    const status = statusOf(entry);
    return {
      requestID: entry.requestID,
      appID: app.appId,
      status: status === 'READY' && shape === 'seed' ? 'COMPLETE' : status,
      result: status === 'READY' ? resultOf(entry) : null,
    };
  };

  const push = (entry: SimulatedHighlightsRequest) => {
    const url = entry.webhookURL;
    if (!url || closed) return;
    const record: SimulatedWebhookPush = { url, requestID: entry.requestID, status: 'error' };
    pushes.push(record);
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(answerOf(entry)) })
      .then(async (response) => {
        record.status = response.status;
        await response.arrayBuffer();
      })
      .catch(() => {
        record.status = 'error';
      });
  };

  const postHighlights = (request: SimulatorRequest): SimulatorReply => {
    posts += 1;
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      return textReply(400, 'Missing or malformed request body.');
    }
    if (!isRecord(body)) return textReply(400, 'Missing or malformed request body.');
    const email = typeof body.userEmail === 'string' && body.userEmail !== '' ? body.userEmail : undefined;
    const userID = typeof body.userID === 'string' && body.userID !== '' ? body.userID : undefined;
    if ((email === undefined) === (userID === undefined)) return textReply(400, 'Provide exactly one of userEmail and userID.');
    const question = typeof body.question === 'string' ? body.question : undefined;
    let timeRange: SimulatedHighlightsRequest['timeRange'];
    if (body.timeRange !== undefined) {
      if (!isRecord(body.timeRange)) return textReply(400, 'Invalid timeRange.');
      const { startMs, endMs } = body.timeRange;
      if ((startMs !== undefined && !Number.isSafeInteger(startMs)) || (endMs !== undefined && !Number.isSafeInteger(endMs))) {
        return textReply(400, 'Invalid timeRange.');
      }
      timeRange = { startMs: startMs as number | undefined, endMs: endMs as number | undefined };
    }
    const webhookURL = typeof body.webhookURL === 'string' ? body.webhookURL : undefined;
    const failing = [email, userID, question].some((v) => v?.toLowerCase().startsWith(FAILING_HIGHLIGHTS_PREFIX));
    const requestID = `${hex(`${app.appId}|${highlights.size}|${Date.now()}`, 8)}-${String(highlights.size + 1).padStart(6, '0')}`;
    const entry: SimulatedHighlightsRequest = {
      requestID,
      ...(email !== undefined ? { userEmail: email } : {}),
      ...(userID !== undefined ? { userID } : {}),
      ...(question !== undefined ? { question } : {}),
      ...(timeRange ? { timeRange } : {}),
      ...(webhookURL !== undefined ? { webhookURL } : {}),
      createdAtMs: Date.now(),
      readyAtMs: Date.now() + delayMs,
      outcome: failing ? 'FAILED' : 'READY',
    };
    highlights.set(requestID, entry);
    if (webhookURL !== undefined) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        // A timer may fire a millisecond before Date.now() reaches its due time; LogRocket pushes
        // only a finished result, so the push is the moment it is finished.
        entry.readyAtMs = Math.min(entry.readyAtMs, Date.now());
        push(entry);
      }, delayMs);
      timers.add(timer);
    }
    return jsonReply(200, shape === 'docs' ? { id: requestID } : answerOf(entry));
  };

  const getHighlights = (request: SimulatorRequest): SimulatorReply => {
    polls += 1;
    const id = request.query.get('id');
    const entry = id === null ? undefined : highlights.get(id);
    if (!entry) return textReply(404, 'Highlights request not found.');
    return jsonReply(200, answerOf(entry));
  };

  // ---- data export --------------------------------------------------------------------

  const listExports = (request: SimulatorRequest): SimulatorReply => {
    if (request.method !== 'GET') return textReply(405, `Method "${request.method}" not allowed.`);
    const limitRaw = request.query.get('limit');
    const limit = limitRaw === null ? EXPORT_DEFAULT_LIMIT : parseStrictInt(limitRaw);
    if (limit === undefined || limit < 1 || limit > EXPORT_MAX_LIMIT)
      return textReply(400, `Invalid limit: must be between 1 and ${EXPORT_MAX_LIMIT}.`);
    const cursorRaw = request.query.get('cursor');
    let start: number;
    if (cursorRaw !== null && cursorRaw !== '') {
      if (!/^\d{20}$/.test(cursorRaw)) return textReply(400, 'Invalid cursor.');
      const index = BigInt(cursorRaw) - EXPORT_CURSOR_BASE;
      if (index < 0n || index > BigInt(exported.length)) return textReply(400, 'Invalid cursor.');
      start = Number(index);
    } else {
      const dateRaw = request.query.get('date');
      const date = dateRaw === null || dateRaw === '' ? 0 : parseStrictInt(dateRaw);
      if (date === undefined) return textReply(400, 'Invalid date.');
      start = exported.findIndex((session) => session.finishedMs >= date);
      if (start < 0) start = exported.length;
    }
    const page = exported.slice(start, start + limit);
    return jsonReply(200, { cursor: String(EXPORT_CURSOR_BASE + BigInt(start + page.length)), sessions: page.map(({ url }) => ({ url })) });
  };

  return {
    handle(request, subPath) {
      const user = USERS_PATH.exec(subPath);
      if (user) return putUser(request, user[1]!);
      if (subPath === '/highlights/') {
        if (request.method === 'POST') return postHighlights(request);
        if (request.method === 'GET') return getHighlights(request);
        return textReply(405, `Method "${request.method}" not allowed.`);
      }
      if (subPath === '/data-export/') return listExports(request);
      return undefined;
    },
    users: () => [...users.values()].map((u) => ({ ...u, traits: { ...u.traits } })),
    highlightRequests: () => [...highlights.values()].map((h) => ({ ...h })),
    get highlightPosts() {
      return posts;
    },
    get highlightPolls() {
      return polls;
    },
    webhookPushes: pushes,
    setHighlightDelayMs(ms) {
      delayMs = ms;
    },
    exports: () => exported.map((e) => e.url),
    insertExports(count) {
      const base = Math.max(Date.now(), exported[exported.length - 1]?.finishedMs ?? 0);
      const added: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const url = exportUrl(exported.length);
        exported.push({ finishedMs: base + i, url });
        added.push(url);
      }
      return added;
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
