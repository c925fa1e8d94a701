import { STATUS_CODES } from 'node:http';
import { decodeOpaqueCursor, encodeOpaqueCursor } from './opaque-cursor';
import { parseIso8601, parseStrictInt } from './query-values';
import { createSeededRandom, deriveSeed } from './seeded-random';
import { jsonReply, startSimulatorServer, textReply, type SimulatorReply, type SimulatorRequest } from './simulator-server';
import { SIMULATOR_DEFAULTS, type SimulatorBase, type SimulatorOptions } from './simulator.types';
import { planTimestampGroups } from './timestamp-plan';
import { ZendeskEventFactory, type ZendeskAuditLog, type ZendeskEntry } from './zendesk-event.factory';

export type { ZendeskAuditAction, ZendeskAuditLog } from './zendesk-event.factory';

/** Options of {@link startZendeskSimulator}: the shared ones plus credentials and the rate limit. */
export interface ZendeskSimulatorOptions extends SimulatorOptions {
  email?: string;
  apiToken?: string;
  oauthToken?: string;
  /** Requests allowed per clock minute for this simulator instance (default 700). */
  rateLimitPerMinute?: number;
}

/** A running Zendesk Support audit-log API simulator. */
export interface ZendeskSimulator extends SimulatorBase<ZendeskAuditLog> {
  readonly provider: 'zendesk';
  readonly email: string;
  readonly apiToken: string;
  readonly oauthToken: string;
  readonly rateLimitPerMinute: number;
}

/** The cursor-mode list body (sent when `page[size]` is present). */
export interface ZendeskCursorPage {
  audit_logs: ZendeskAuditLog[];
  meta: { has_more: boolean; after_cursor: string | null; before_cursor: string | null };
  links: { next: string | null; prev: string | null };
}

/** The offset-mode list body (sent when `page[size]` is absent). */
export interface ZendeskOffsetPage {
  audit_logs: ZendeskAuditLog[];
  next_page: string | null;
  previous_page: string | null;
  count: number;
}

type Direction = 'asc' | 'desc';

interface KeysetCursor {
  o: Direction;
  t: number;
  i: number;
}

interface Filters {
  actions?: string[];
  actorIds?: number[];
  ipAddresses?: string[];
  sourceTypes?: string[];
  sourceIds?: number[];
  createdFromMs?: number;
  createdToMs?: number;
}

class BadRequest extends Error {
  constructor(readonly reply: SimulatorReply) {
    super('bad request');
  }
}

const LIST_PATH = /^\/api\/v2\/audit_logs(\.json)?$/;
const SHOW_PATH = /^\/api\/v2\/audit_logs\/([^/]+?)(\.json)?$/;
const MAX_PAGE_SIZE = 100;
const OFFSET_WINDOW = 10_000;

function paginationError(title: string): BadRequest {
  return new BadRequest(jsonReply(400, { errors: [{ code: 'InvalidPaginationParameter', title }] }));
}

function valueError(description: string): BadRequest {
  return new BadRequest(jsonReply(400, { error: 'InvalidValue', description }));
}

function isKeysetCursor(value: unknown): value is KeysetCursor {
  if (typeof value !== 'object' || value === null) return false;
  const { o, t, i } = value as Record<string, unknown>;
  return (o === 'asc' || o === 'desc') && Number.isSafeInteger(t) && Number.isSafeInteger(i);
}

function compare(direction: Direction, a: { seconds: number; id: number }, b: { seconds: number; id: number }): number {
  const ascending = a.seconds - b.seconds || a.id - b.id;
  return direction === 'asc' ? ascending : -ascending;
}

/** Values of `filter[name]` (Rails semantics: a repeated plain key keeps its last value) or `filter[name][]`. */
function filterValues(query: URLSearchParams, name: string): string[] | undefined {
  const plain = query.getAll(`filter[${name}]`);
  const list = query.getAll(`filter[${name}][]`);
  if (plain.length > 0 && list.length > 0) throw valueError(`filter[${name}] must be either a value or a list`);
  if (list.length > 0) return list;
  if (plain.length > 0) return [plain[plain.length - 1] as string];
  return undefined;
}

function integerValues(query: URLSearchParams, name: string): number[] | undefined {
  const values = filterValues(query, name);
  if (values === undefined) return undefined;
  return values.map((value) => {
    const parsed = parseStrictInt(value);
    if (parsed === undefined) throw valueError(`filter[${name}] must be an integer`);
    return parsed;
  });
}

function parseFilters(query: URLSearchParams): Filters {
  const filters: Filters = {
    actions: filterValues(query, 'action'),
    actorIds: integerValues(query, 'actor_id'),
    ipAddresses: filterValues(query, 'ip_address'),
    sourceTypes: filterValues(query, 'source_type'),
    sourceIds: integerValues(query, 'source_id'),
  };
  if (filters.sourceIds !== undefined && filters.sourceTypes === undefined) {
    throw valueError('filter[source_id] requires filter[source_type]');
  }
  const createdAt = query.getAll('filter[created_at][]');
  if (query.has('filter[created_at]') || (createdAt.length > 0 && createdAt.length !== 2)) {
    throw valueError('filter[created_at] must be specified twice: filter[created_at][]=<start>&filter[created_at][]=<end>');
  }
  if (createdAt.length === 2) {
    const [from, to] = createdAt.map(parseIso8601);
    if (from === undefined || to === undefined) throw valueError('filter[created_at] values must be ISO 8601 times');
    filters.createdFromMs = from;
    filters.createdToMs = to;
  }
  return filters;
}

function matches(filters: Filters, entry: ZendeskEntry): boolean {
  const log = entry.wire;
  if (filters.actions && !filters.actions.includes(log.action)) return false;
  if (filters.actorIds && !filters.actorIds.includes(log.actor_id)) return false;
  if (filters.ipAddresses && (log.ip_address === null || !filters.ipAddresses.includes(log.ip_address))) return false;
  if (filters.sourceTypes && !filters.sourceTypes.includes(log.source_type)) return false;
  if (filters.sourceIds && !filters.sourceIds.includes(log.source_id)) return false;
  const ms = entry.seconds * 1000;
  if (filters.createdFromMs !== undefined && ms < filters.createdFromMs) return false;
  if (filters.createdToMs !== undefined && ms > filters.createdToMs) return false;
  return true;
}

/**
 * Starts a Zendesk Support audit-log simulator: cursor paging only when `page[size]` is sent,
 * offset paging (capped at 10,000 records) otherwise, Rails-style filters, and a per-minute
 * request budget with `X-Rate-Limit` headers.
 */
export async function startZendeskSimulator(options: ZendeskSimulatorOptions = {}): Promise<ZendeskSimulator> {
  const email = options.email ?? 'admin@demo.example';
  const apiToken = options.apiToken ?? 'zd-demo-token';
  const oauthToken = options.oauthToken ?? 'zd-demo-oauth';
  const rateLimitPerMinute = options.rateLimitPerMinute ?? 700;
  const now = options.now ?? ((): Date => new Date());
  const entries: ZendeskEntry[] = [];
  let rateWindowStart = Number.NEGATIVE_INFINITY;
  let rateWindowUsed = 0;
  let serverErrorCount = 0;
  let baseUrl = '';

  const idKey = (entry: ZendeskEntry): { seconds: number; id: number } => ({ seconds: entry.seconds, id: entry.wire.id });
  const byPosition = (a: ZendeskEntry, b: ZendeskEntry): number => compare('asc', idKey(a), idKey(b));

  const authenticated = (request: SimulatorRequest): boolean => {
    const header = request.headers['authorization'];
    if (typeof header !== 'string') return false;
    const [scheme, credentials, ...rest] = header.trim().split(/\s+/);
    if (credentials === undefined || rest.length > 0) return false;
    if (scheme?.toLowerCase() === 'bearer') return credentials === oauthToken;
    if (scheme?.toLowerCase() !== 'basic') return false;
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const separator = decoded.indexOf('/token:');
    if (separator < 0) return false;
    return decoded.slice(0, separator).toLowerCase() === email.toLowerCase() && decoded.slice(separator + 7) === apiToken;
  };

  const link = (request: SimulatorRequest, changes: Record<string, string>, drop: readonly string[]): string => {
    const params = new URLSearchParams();
    for (const [key, value] of request.query) if (!drop.includes(key) && !(key in changes)) params.append(key, value);
    for (const [key, value] of Object.entries(changes)) params.append(key, value);
    return `${baseUrl}/api/v2/audit_logs.json?${params.toString()}`;
  };

  const cursorPage = (request: SimulatorRequest, filters: Filters): SimulatorReply => {
    const size = parseStrictInt(request.query.get('page[size]'));
    if (size === undefined || size < 1 || size > MAX_PAGE_SIZE) {
      throw paginationError(`page[size] must be an integer between 1 and ${MAX_PAGE_SIZE}`);
    }
    const sort = request.query.get('sort') ?? '-created_at';
    if (sort !== '-created_at' && sort !== 'created_at') throw paginationError(`sort must be created_at or -created_at, got ${sort}`);
    const direction: Direction = sort === 'created_at' ? 'asc' : 'desc';
    const after = request.query.get('page[after]') || undefined;
    const before = request.query.get('page[before]') || undefined;
    if (after !== undefined && before !== undefined) throw paginationError('page[after] and page[before] cannot be used together');
    const token = after ?? before;
    let position: KeysetCursor | undefined;
    if (token !== undefined) {
      const decoded = decodeOpaqueCursor(token);
      if (!isKeysetCursor(decoded)) throw paginationError(`page[${after !== undefined ? 'after' : 'before'}] is not a valid cursor`);
      if (decoded.o !== direction) throw paginationError('The cursor was created with a different sort');
      position = decoded;
    }

    const ordered = entries.filter((entry) => matches(filters, entry)).sort((a, b) => compare(direction, idKey(a), idKey(b)));
    let from: number;
    let to: number;
    let hasMore: boolean;
    if (position === undefined || after !== undefined) {
      const probe = position === undefined ? undefined : { seconds: position.t, id: position.i };
      from = probe === undefined ? 0 : ordered.findIndex((entry) => compare(direction, idKey(entry), probe) > 0);
      if (from < 0) from = ordered.length;
      to = Math.min(ordered.length, from + size);
      hasMore = to < ordered.length;
    } else {
      const probe = { seconds: position.t, id: position.i };
      to = ordered.findIndex((entry) => compare(direction, idKey(entry), probe) >= 0);
      if (to < 0) to = ordered.length;
      from = Math.max(0, to - size);
      hasMore = from > 0;
    }
    const page = ordered.slice(from, to);
    const cursorOf = (entry: ZendeskEntry | undefined): string | null =>
      entry === undefined ? null : encodeOpaqueCursor({ o: direction, t: entry.seconds, i: entry.wire.id } satisfies KeysetCursor);
    const afterCursor = cursorOf(page[page.length - 1]);
    const beforeCursor = cursorOf(page[0]);
    const drop = ['page[after]', 'page[before]'];
    const body: ZendeskCursorPage = {
      audit_logs: page.map((entry) => ({ ...entry.wire })),
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        next: afterCursor === null ? null : link(request, { 'page[after]': afterCursor }, drop),
        prev: beforeCursor === null ? null : link(request, { 'page[before]': beforeCursor }, drop),
      },
    };
    return jsonReply(200, body);
  };

  const offsetPage = (request: SimulatorRequest, filters: Filters): SimulatorReply => {
    const pageRaw = request.query.get('page');
    const page = pageRaw === null ? 1 : parseStrictInt(pageRaw);
    if (page === undefined || page < 1) throw paginationError('page must be a positive integer');
    const perPageRaw = request.query.get('per_page');
    const perPageAsked = perPageRaw === null ? MAX_PAGE_SIZE : parseStrictInt(perPageRaw);
    if (perPageAsked === undefined || perPageAsked < 1) throw paginationError('per_page must be a positive integer');
    // Zendesk silently caps per_page at the endpoint maximum instead of rejecting it.
    const perPage = Math.min(perPageAsked, MAX_PAGE_SIZE);
    if (page * perPage > OFFSET_WINDOW) {
      throw paginationError(
        `Offset pagination is limited to the first ${OFFSET_WINDOW} records. Use cursor pagination (page[size]) instead.`,
      );
    }
    const sortBy = request.query.get('sort_by') ?? 'created_at';
    if (sortBy !== 'created_at') throw valueError(`sort_by must be created_at, got ${sortBy}`);
    const sortOrder = request.query.get('sort_order') ?? 'desc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw valueError(`sort_order must be asc or desc, got ${sortOrder}`);
    const ordered = entries.filter((entry) => matches(filters, entry)).sort((a, b) => compare(sortOrder, idKey(a), idKey(b)));
    const start = (page - 1) * perPage;
    const body: ZendeskOffsetPage = {
      audit_logs: ordered.slice(start, start + perPage).map((entry) => ({ ...entry.wire })),
      next_page: start + perPage < ordered.length ? link(request, { page: String(page + 1), per_page: String(perPage) }, []) : null,
      previous_page: page > 1 ? link(request, { page: String(page - 1), per_page: String(perPage) }, []) : null,
      count: ordered.length,
    };
    return jsonReply(200, body);
  };

  const route = (request: SimulatorRequest): SimulatorReply => {
    const listMatch = LIST_PATH.test(request.path);
    const showMatch = listMatch ? null : SHOW_PATH.exec(request.path);
    if (!listMatch && !showMatch) return jsonReply(404, { error: 'InvalidEndpoint', description: 'Not found' });
    if (!authenticated(request)) return jsonReply(401, { error: "Couldn't authenticate you" });
    if (request.method !== 'GET')
      return jsonReply(405, { error: 'MethodNotAllowed', description: `${request.method} is not allowed here` });
    if (showMatch) {
      const id = parseStrictInt(showMatch[1]);
      const entry = id === undefined ? undefined : entries.find((candidate) => candidate.wire.id === id);
      if (!entry) return jsonReply(404, { error: 'RecordNotFound', description: 'Not found' });
      return jsonReply(200, { audit_log: { ...entry.wire } });
    }
    try {
      const filters = parseFilters(request.query);
      return request.query.has('page[size]') ? cursorPage(request, filters) : offsetPage(request, filters);
    } catch (error) {
      if (error instanceof BadRequest) return error.reply;
      throw error;
    }
  };

  /** Starts a new quota window when the clock minute changed; returns the window's start. */
  const rateWindow = (nowMs: number): number => {
    const windowStart = Math.floor(nowMs / 60_000) * 60_000;
    if (windowStart !== rateWindowStart) {
      rateWindowStart = windowStart;
      rateWindowUsed = 0;
    }
    return windowStart;
  };

  /** The account's quota headers, which Zendesk sends on every answer. */
  const rateHeaders = (): Record<string, string> => {
    rateWindow(now().getTime());
    return {
      'x-rate-limit': String(rateLimitPerMinute),
      'x-rate-limit-remaining': String(Math.max(0, rateLimitPerMinute - rateWindowUsed)),
    };
  };

  const handle = (request: SimulatorRequest): SimulatorReply => {
    const nowMs = now().getTime();
    const windowStart = rateWindow(nowMs);
    if (rateWindowUsed >= rateLimitPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((windowStart + 60_000 - nowMs) / 1000));
      return jsonReply(
        429,
        { error: 'APIRateLimitExceeded', description: `Number of allowed API requests per minute exceeded (${rateLimitPerMinute})` },
        { 'retry-after': String(retryAfter), 'x-rate-limit': String(rateLimitPerMinute), 'x-rate-limit-remaining': '0' },
      );
    }
    rateWindowUsed += 1;
    const reply = route(request);
    return {
      ...reply,
      headers: {
        ...reply.headers,
        'x-rate-limit': String(rateLimitPerMinute),
        'x-rate-limit-remaining': String(rateLimitPerMinute - rateWindowUsed),
      },
    };
  };

  const errorReply = (status: number): SimulatorReply => {
    const reason = STATUS_CODES[status] ?? 'Error';
    if (status >= 500) {
      serverErrorCount += 1;
      // Zendesk's edge answers some 5xx with a plain-text page; alternate so clients meet both.
      if (serverErrorCount % 2 === 0) return textReply(status, `${status} ${reason}`, rateHeaders());
    }
    return jsonReply(status, { error: reason.replace(/[^A-Za-z]/g, ''), description: reason }, rateHeaders());
  };

  const server = await startSimulatorServer({
    port: options.port ?? SIMULATOR_DEFAULTS.port,
    handle,
    errorReply,
    // An injected 429 stands for an endpoint's own limit: the account's quota headers stay as they are.
    rateLimitedReply: (seconds) =>
      jsonReply(429, { error: 'APIRateLimitExceeded', description: `Rate limit exceeded; retry in ${seconds} seconds` }, rateHeaders()),
    malformedBodies: ['{"audit_logs":[{"id":49848', '<!DOCTYPE html><html><body>Zendesk is temporarily unavailable</body></html>'],
  });
  baseUrl = server.baseUrl;

  const random = createSeededRandom(deriveSeed(options.seed ?? SIMULATOR_DEFAULTS.seed, 'zendesk'));
  const factory = new ZendeskEventFactory(random, baseUrl);
  const endSeconds = Math.floor(now().getTime() / 1000);
  const groups = planTimestampGroups(random, {
    count: options.count ?? SIMULATOR_DEFAULTS.count,
    start: endSeconds - (options.days ?? SIMULATOR_DEFAULTS.days) * 86_400,
    end: endSeconds,
    bigTieGroup: options.bigTieGroup ?? SIMULATOR_DEFAULTS.bigTieGroup,
  });
  for (const group of groups) for (let i = 0; i < group.size; i += 1) entries.push(factory.make(group.at));
  entries.sort(byPosition);

  return {
    provider: 'zendesk',
    email,
    apiToken,
    oauthToken,
    rateLimitPerMinute,
    baseUrl,
    requests: server.requests,
    resetRequests: server.resetRequests,
    injectFault: server.injectFault,
    clearFaults: server.clearFaults,
    close: server.close,
    records: () => entries.map((entry) => ({ ...entry.wire })),
    insert: (count, insertOptions) => {
      const seconds = Math.floor((insertOptions?.at ?? now()).getTime() / 1000);
      const added: ZendeskEntry[] = [];
      for (let i = 0; i < count; i += 1) added.push(factory.make(seconds));
      entries.push(...added);
      entries.sort(byPosition);
      return added.map((entry) => ({ ...entry.wire }));
    },
  };
}
