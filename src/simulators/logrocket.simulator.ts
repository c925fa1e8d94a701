import { STATUS_CODES } from 'node:http';
import { LogRocketEventFactory, type LogRocketAuditLog, type LogRocketEntry } from './logrocket-event.factory';
import { createLogRocketRestApi, type LogRocketRestApi, type LogRocketRestSimulatorOptions } from './logrocket-rest.simulator';
import { decodeOpaqueCursor, encodeOpaqueCursor } from './opaque-cursor';
import { decodePathSegment, parseStrictInt } from './query-values';
import { createSeededRandom, deriveSeed } from './seeded-random';
import { jsonReply, startSimulatorServer, textReply, type SimulatorReply, type SimulatorRequest } from './simulator-server';
import { SIMULATOR_DEFAULTS, type SimulatorBase, type SimulatorOptions } from './simulator.types';
import { planTimestampGroups } from './timestamp-plan';

export type { LogRocketAuditLog } from './logrocket-event.factory';

/**
 * Options of {@link startLogRocketSimulator}: the shared ones, the credentials it accepts, and
 * those of its users / highlights / data-export endpoints.
 */
export interface LogRocketSimulatorOptions extends SimulatorOptions, LogRocketRestSimulatorOptions {
  orgId?: string;
  appId?: string;
  apiKey?: string;
}

/**
 * A running LogRocket simulator: the audit log, plus users (LogRocket's merge rules and limits),
 * Galileo highlights (PENDING, then READY after `highlightDelayMs`, FAILED for users, emails or
 * questions starting with "fail"; webhook pushes) and the session data export.
 */
export interface LogRocketSimulator
  extends SimulatorBase<LogRocketAuditLog>, Omit<LogRocketRestApi, 'handle' | 'close' | 'highlightPosts' | 'highlightPolls'> {
  readonly provider: 'logrocket';
  readonly orgId: string;
  readonly appId: string;
  readonly apiKey: string;
  /** POSTs to `/highlights/` so far. */
  readonly highlightPosts: number;
  /** GETs of `/highlights/` so far. */
  readonly highlightPolls: number;
}

/** The body of `GET /v1/orgs/{org}/apps/{app}/audit/logs/`. */
export interface LogRocketAuditLogPage {
  has_next: boolean;
  /** A JSON number (epoch ms) when the next page starts at a fresh millisecond, an opaque string otherwise. */
  cursor: string | number | null;
  logs: LogRocketAuditLog[];
}

const LIST_PATH = /^\/v1\/orgs\/([^/]+)\/apps\/([^/]+)\/audit\/logs\/$/;
const REST_PATH = /^\/v1\/orgs\/([^/]+)\/apps\/([^/]+)(\/users\/[^/]+|\/highlights\/|\/data-export\/)$/;
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 10;

interface PositionCursor {
  m: number;
  s: number;
}

function isPositionCursor(value: unknown): value is PositionCursor {
  if (typeof value !== 'object' || value === null) return false;
  const { m, s } = value as Record<string, unknown>;
  return Number.isSafeInteger(m) && Number.isSafeInteger(s);
}

function compareEntries(a: { micros: number; seq: number }, b: { micros: number; seq: number }): number {
  return a.micros - b.micros || a.seq - b.seq;
}

/**
 * Starts a LogRocket audit-log simulator: ascending, forward-only, `limit` 1–100, a first cursor
 * that may be an epoch-ms timestamp and later cursors that are opaque (or a plain number when the
 * next page starts at a fresh millisecond).
 */
export async function startLogRocketSimulator(options: LogRocketSimulatorOptions = {}): Promise<LogRocketSimulator> {
  const orgId = options.orgId ?? 'demo-org';
  const appId = options.appId ?? 'web';
  const apiKey = options.apiKey ?? 'lr-demo-key';
  const now = options.now ?? ((): Date => new Date());
  const seed = options.seed ?? SIMULATOR_DEFAULTS.seed;
  const random = createSeededRandom(deriveSeed(seed, 'logrocket'));
  const factory = new LogRocketEventFactory(random);

  const endMs = now().getTime();
  const startMs = endMs - (options.days ?? SIMULATOR_DEFAULTS.days) * 86_400_000;
  const entries: LogRocketEntry[] = factory.fromGroups(
    planTimestampGroups(random, {
      count: options.count ?? SIMULATOR_DEFAULTS.count,
      start: startMs,
      end: endMs,
      bigTieGroup: options.bigTieGroup ?? SIMULATOR_DEFAULTS.bigTieGroup,
      // A quarter of the pairs only share the millisecond, so more pairs keep µs ties near 12%.
      pairProbability: 0.065,
    }),
  );
  entries.sort(compareEntries);
  const restApi = createLogRocketRestApi({ orgId, appId }, { exportRange: { start: startMs, end: endMs - 3_600_000 }, ...options });

  const firstIndexAfter = (position: PositionCursor): number => {
    const probe = { micros: position.m, seq: position.s };
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareEntries(entries[mid] as LogRocketEntry, probe) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const firstIndexAtOrAfterMicros = (micros: number): number => {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((entries[mid] as LogRocketEntry).micros < micros) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const list = (request: SimulatorRequest): SimulatorReply => {
    const limitRaw = request.query.get('limit');
    const limit = limitRaw === null ? DEFAULT_LIMIT : parseStrictInt(limitRaw);
    if (limit === undefined || limit < 1 || limit > MAX_LIMIT) {
      return textReply(400, `Invalid limit: must be an integer between 1 and ${MAX_LIMIT}.`);
    }
    const cursorRaw = request.query.get('cursor');
    let start = 0;
    if (cursorRaw !== null && cursorRaw !== '') {
      if (/^\d{1,16}$/.test(cursorRaw)) {
        start = firstIndexAtOrAfterMicros(Number(cursorRaw) * 1000);
      } else {
        const decoded = decodeOpaqueCursor(cursorRaw);
        if (!isPositionCursor(decoded)) return textReply(400, 'Invalid cursor.');
        start = firstIndexAfter(decoded);
      }
    }
    const page = entries.slice(start, start + limit);
    const hasNext = start + page.length < entries.length;
    let cursor: string | number | null;
    const last = page[page.length - 1];
    if (last === undefined) {
      cursor = cursorRaw === null || cursorRaw === '' ? null : /^\d+$/.test(cursorRaw) ? Number(cursorRaw) : cursorRaw;
    } else {
      const next = entries[start + page.length];
      const lastMs = Math.floor(last.micros / 1000);
      cursor =
        next !== undefined && Math.floor(next.micros / 1000) > lastMs
          ? lastMs + 1
          : encodeOpaqueCursor({ m: last.micros, s: last.seq } satisfies PositionCursor);
    }
    const body: LogRocketAuditLogPage = { has_next: hasNext, cursor, logs: page.map((entry) => ({ ...entry.wire })) };
    return jsonReply(200, body);
  };

  const handle = (request: SimulatorRequest): SimulatorReply => {
    const restMatch = REST_PATH.exec(request.path);
    const match = LIST_PATH.exec(request.path) ?? restMatch;
    if (!match) return textReply(404, 'Not Found');
    if (!restMatch && request.method !== 'GET') return textReply(405, `Method "${request.method}" not allowed.`);
    const authorization = request.headers['authorization'];
    if (typeof authorization !== 'string' || authorization === '') {
      return textReply(401, 'Authentication credentials were not provided.');
    }
    const [scheme, token, ...rest] = authorization.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'token' || token !== apiKey || rest.length > 0) return textReply(401, 'Invalid token.');
    if (decodePathSegment(match[1]) !== orgId || decodePathSegment(match[2]) !== appId) {
      return textReply(404, 'Not found.');
    }
    if (restMatch) return restApi.handle(request, restMatch[3]!) ?? textReply(404, 'Not Found');
    return list(request);
  };

  const server = await startSimulatorServer({
    port: options.port ?? SIMULATOR_DEFAULTS.port,
    handle,
    errorReply: (status) => textReply(status, STATUS_CODES[status] ?? 'Error'),
    rateLimitedReply: () => textReply(429, 'Request was throttled.'),
    malformedBodies: ['{"has_next": true, "cursor": "eyJtIjoxNzA2OTA2O', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
  });

  return {
    provider: 'logrocket',
    orgId,
    appId,
    apiKey,
    baseUrl: server.baseUrl,
    requests: server.requests,
    resetRequests: server.resetRequests,
    injectFault: server.injectFault,
    clearFaults: server.clearFaults,
    close: async () => {
      restApi.close();
      await server.close();
    },
    users: restApi.users,
    highlightRequests: restApi.highlightRequests,
    get highlightPosts() {
      return restApi.highlightPosts;
    },
    get highlightPolls() {
      return restApi.highlightPolls;
    },
    webhookPushes: restApi.webhookPushes,
    setHighlightDelayMs: restApi.setHighlightDelayMs,
    exports: restApi.exports,
    insertExports: restApi.insertExports,
    records: () => entries.map((entry) => ({ ...entry.wire })),
    insert: (count, insertOptions) => {
      const micros = (insertOptions?.at ?? now()).getTime() * 1000;
      const added: LogRocketEntry[] = [];
      for (let i = 0; i < count; i += 1) added.push(factory.make(micros));
      entries.push(...added);
      entries.sort(compareEntries);
      return added.map((entry) => ({ ...entry.wire }));
    },
  };
}
