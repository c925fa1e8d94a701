import { STATUS_CODES } from 'node:http';
import { NirvanaEventFactory, type NirvanaAuditLog, type NirvanaEntry } from './nirvana-event.factory';
import { decodeOpaqueCursor, digest, encodeOpaqueCursor } from './opaque-cursor';
import { decodePathSegment, parseRfc3339, parseStrictInt } from './query-values';
import { createSeededRandom, deriveSeed } from './seeded-random';
import { jsonReply, startSimulatorServer, type SimulatorReply, type SimulatorRequest } from './simulator-server';
import { SIMULATOR_DEFAULTS, type SimulatorBase, type SimulatorOptions } from './simulator.types';
import { planTimestampGroups } from './timestamp-plan';

export type { NirvanaAuditLog, NirvanaAuditLogActor, NirvanaAuditLogTarget } from './nirvana-event.factory';

/** Options of {@link startNirvanaSimulator}: the shared ones plus the API key. */
export interface NirvanaSimulatorOptions extends SimulatorOptions {
  apiKey?: string;
}

/** A running Nirvana Labs audit-log API simulator. */
export interface NirvanaSimulator extends SimulatorBase<NirvanaAuditLog> {
  readonly provider: 'nirvana';
  readonly apiKey: string;
}

/** The body of `GET /v1/audit_logs`. */
export interface NirvanaAuditLogPage {
  items: NirvanaAuditLog[];
  pagination: { next_cursor: string | null; previous_cursor: string | null; total_count: number };
}

/** Orders the list endpoint accepts. */
export type NirvanaSort = 'created_at:desc' | 'created_at:asc' | 'status_code:desc' | 'status_code:asc';

const SORTS: readonly NirvanaSort[] = ['created_at:desc', 'created_at:asc', 'status_code:desc', 'status_code:asc'];
const FILTER_KEYS = [
  'created_at_min',
  'created_at_max',
  'action',
  'actor_id',
  'actor_type',
  'client_ip',
  'method',
  'path',
  'status_code_min',
  'status_code_max',
  'target_id',
  'target_type',
] as const;
const SINGLE_KEYS: readonly string[] = [...FILTER_KEYS, 'cursor', 'limit', 'sort'];
const LIST_PATH = /^\/v1\/audit_logs\/?$/;
const SHOW_PATH = /^\/v1\/audit_logs\/([^/]+)\/?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MIN_LIMIT = 10;
const MAX_LIMIT = 100;

type FilterKey = (typeof FILTER_KEYS)[number];

interface PageCursor {
  /** `n` pages forward from the position, `p` backward. */
  d: 'n' | 'p';
  /** Sort key of the position: [primary value, id]. */
  k: [number, string];
  /** Digest of the filters and sort the cursor belongs to. */
  q: string;
}

function message(status: number, text: string): SimulatorReply {
  return jsonReply(status, { message: text });
}

function isPageCursor(value: unknown): value is PageCursor {
  if (typeof value !== 'object' || value === null) return false;
  const { d, k, q } = value as Record<string, unknown>;
  return (
    (d === 'n' || d === 'p') &&
    typeof q === 'string' &&
    Array.isArray(k) &&
    k.length === 2 &&
    Number.isSafeInteger(k[0]) &&
    typeof k[1] === 'string'
  );
}

/**
 * Starts a Nirvana Labs audit-log simulator: keyset cursors bound to the filters and sort that
 * made them, `limit` 10–100, single-valued filters, and ties within one sort value broken by
 * ascending id in both directions (so newest-first is not the exact reverse of oldest-first).
 */
export async function startNirvanaSimulator(options: NirvanaSimulatorOptions = {}): Promise<NirvanaSimulator> {
  const apiKey = options.apiKey ?? 'nirvana-demo-key';
  const now = options.now ?? ((): Date => new Date());
  const random = createSeededRandom(deriveSeed(options.seed ?? SIMULATOR_DEFAULTS.seed, 'nirvana'));
  const factory = new NirvanaEventFactory(random);
  const endSeconds = Math.floor(now().getTime() / 1000);
  const entries: NirvanaEntry[] = [];
  for (const group of planTimestampGroups(random, {
    count: options.count ?? SIMULATOR_DEFAULTS.count,
    start: endSeconds - (options.days ?? SIMULATOR_DEFAULTS.days) * 86_400,
    end: endSeconds,
    bigTieGroup: options.bigTieGroup ?? SIMULATOR_DEFAULTS.bigTieGroup,
  })) {
    for (let i = 0; i < group.size; i += 1) entries.push(factory.make(group.at));
  }
  const canonical = (a: NirvanaEntry, b: NirvanaEntry): number =>
    a.seconds - b.seconds || (a.wire.id < b.wire.id ? -1 : a.wire.id > b.wire.id ? 1 : 0);
  entries.sort(canonical);

  const list = (request: SimulatorRequest): SimulatorReply => {
    const q = request.query;
    for (const key of SINGLE_KEYS) {
      if (q.getAll(key).length > 1) return message(400, `query parameter "${key}" must not be repeated`);
    }
    const limit = q.has('limit') ? parseStrictInt(q.get('limit')) : MIN_LIMIT;
    if (limit === undefined || limit < MIN_LIMIT || limit > MAX_LIMIT) {
      return message(400, `limit must be an integer between ${MIN_LIMIT} and ${MAX_LIMIT}`);
    }
    const sort = (q.get('sort') ?? 'created_at:desc') as NirvanaSort;
    if (!SORTS.includes(sort)) return message(400, `sort must be one of ${SORTS.join(', ')}`);

    const raw: Partial<Record<FilterKey, string>> = {};
    for (const key of FILTER_KEYS) {
      const value = q.get(key);
      if (value !== null) raw[key] = value;
    }
    const minMs = raw.created_at_min === undefined ? undefined : parseRfc3339(raw.created_at_min);
    const maxMs = raw.created_at_max === undefined ? undefined : parseRfc3339(raw.created_at_max);
    if ((raw.created_at_min !== undefined && minMs === undefined) || (raw.created_at_max !== undefined && maxMs === undefined)) {
      return message(400, 'created_at_min and created_at_max must be RFC 3339 date-times');
    }
    if (raw.actor_type !== undefined && raw.actor_type !== 'user' && raw.actor_type !== 'api_key') {
      return message(400, 'actor_type must be one of user, api_key');
    }
    const statusMin = raw.status_code_min === undefined ? undefined : parseStrictInt(raw.status_code_min);
    const statusMax = raw.status_code_max === undefined ? undefined : parseStrictInt(raw.status_code_max);
    if ((raw.status_code_min !== undefined && statusMin === undefined) || (raw.status_code_max !== undefined && statusMax === undefined)) {
      return message(400, 'status_code_min and status_code_max must be integers');
    }
    const queryDigest = digest(JSON.stringify([sort, FILTER_KEYS.map((key) => raw[key] ?? null)]));

    let cursor: PageCursor | undefined;
    const cursorRaw = q.get('cursor');
    if (cursorRaw !== null && cursorRaw !== '') {
      const decoded = decodeOpaqueCursor(cursorRaw);
      if (!isPageCursor(decoded)) return message(400, 'invalid cursor');
      if (decoded.q !== queryDigest) return message(400, 'cursor does not match query');
      cursor = decoded;
    }

    const matching = entries.filter(({ seconds, wire }) => {
      const ms = seconds * 1000;
      return (
        (minMs === undefined || ms >= minMs) &&
        (maxMs === undefined || ms <= maxMs) &&
        (raw.action === undefined || wire.action === raw.action) &&
        (raw.actor_id === undefined || wire.actor.id === raw.actor_id) &&
        (raw.actor_type === undefined || wire.actor.type === raw.actor_type) &&
        (raw.client_ip === undefined || wire.client_ip === raw.client_ip) &&
        (raw.method === undefined || wire.method === raw.method) &&
        (raw.path === undefined || wire.path.includes(raw.path)) &&
        (statusMin === undefined || wire.status_code >= statusMin) &&
        (statusMax === undefined || wire.status_code <= statusMax) &&
        (raw.target_id === undefined || wire.target?.id === raw.target_id) &&
        (raw.target_type === undefined || wire.target?.type === raw.target_type)
      );
    });
    const byStatus = sort.startsWith('status_code');
    const sign = sort.endsWith(':asc') ? 1 : -1;
    const keyOf = (entry: NirvanaEntry): [number, string] => [byStatus ? entry.wire.status_code : entry.seconds, entry.wire.id];
    const compareKeys = (a: [number, string], b: [number, string]): number =>
      sign * (a[0] - b[0]) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    matching.sort((a, b) => compareKeys(keyOf(a), keyOf(b)));

    let from: number;
    let to: number;
    if (cursor === undefined || cursor.d === 'n') {
      const position = cursor?.k;
      from = position === undefined ? 0 : matching.findIndex((entry) => compareKeys(keyOf(entry), position) > 0);
      if (from < 0) from = matching.length;
      to = Math.min(matching.length, from + limit);
    } else {
      const position = cursor.k;
      to = matching.findIndex((entry) => compareKeys(keyOf(entry), position) >= 0);
      if (to < 0) to = matching.length;
      from = Math.max(0, to - limit);
    }
    const page = matching.slice(from, to);
    const first = page[0];
    const last = page[page.length - 1];
    const make = (d: PageCursor['d'], entry: NirvanaEntry): string =>
      encodeOpaqueCursor({ d, k: keyOf(entry), q: queryDigest } satisfies PageCursor);
    const body: NirvanaAuditLogPage = {
      items: page.map((entry) => structuredClone(entry.wire)),
      pagination: {
        next_cursor: last !== undefined && to < matching.length ? make('n', last) : null,
        previous_cursor: first !== undefined && from > 0 ? make('p', first) : null,
        total_count: matching.length,
      },
    };
    return jsonReply(200, body);
  };

  const handle = (request: SimulatorRequest): SimulatorReply => {
    const listMatch = LIST_PATH.test(request.path);
    const showMatch = listMatch ? null : SHOW_PATH.exec(request.path);
    if (!listMatch && !showMatch) return message(404, 'not found');
    const header = request.headers['authorization'];
    const [scheme, token, ...rest] = typeof header === 'string' ? header.trim().split(/\s+/) : [];
    if (scheme?.toLowerCase() !== 'bearer' || token !== apiKey || rest.length > 0) return message(401, 'unauthorized');
    if (request.method !== 'GET') return message(405, 'method not allowed');
    if (listMatch) return list(request);
    const id = decodePathSegment(showMatch?.[1]) ?? '';
    if (!UUID.test(id)) return message(400, 'audit_log_id must be a UUID');
    const entry = entries.find((candidate) => candidate.wire.id === id);
    return entry ? jsonReply(200, structuredClone(entry.wire)) : message(404, 'audit log not found');
  };

  const server = await startSimulatorServer({
    port: options.port ?? SIMULATOR_DEFAULTS.port,
    handle,
    errorReply: (status) => message(status, (STATUS_CODES[status] ?? 'error').toLowerCase()),
    rateLimitedReply: (seconds) => ({
      ...message(429, 'rate limit exceeded'),
      headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after-ms': String(seconds * 1000) },
    }),
    malformedBodies: ['{"items":[{"id":"123e4567-e89b-12d3', 'upstream connect error or disconnect/reset before headers'],
  });

  return {
    provider: 'nirvana',
    apiKey,
    baseUrl: server.baseUrl,
    requests: server.requests,
    resetRequests: server.resetRequests,
    injectFault: server.injectFault,
    clearFaults: server.clearFaults,
    close: server.close,
    records: () => entries.map((entry) => structuredClone(entry.wire)),
    insert: (count, insertOptions) => {
      const seconds = Math.floor((insertOptions?.at ?? now()).getTime() / 1000);
      const added: NirvanaEntry[] = [];
      for (let i = 0; i < count; i += 1) added.push(factory.make(seconds));
      entries.push(...added);
      entries.sort(canonical);
      return added.map((entry) => structuredClone(entry.wire));
    },
  };
}
