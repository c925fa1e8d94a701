import { STATUS_CODES } from 'node:http';
import { LosantEventFactory, type LosantAuditLog, type LosantEntry } from './losant-event.factory';
import { matchesLosantAuditLogFilter, parseLosantAuditLogFilter } from './losant-filter';
import { decodePathSegment, parseStrictInt } from './query-values';
import { createSeededRandom, deriveSeed } from './seeded-random';
import { jsonReply, startSimulatorServer, type SimulatorReply, type SimulatorRequest } from './simulator-server';
import { SIMULATOR_DEFAULTS, type SimulatorBase, type SimulatorOptions } from './simulator.types';
import { planTimestampGroups } from './timestamp-plan';

export type { LosantActorType, LosantAuditLog } from './losant-event.factory';
export type { LosantAuditLogFilter } from './losant-filter';

/** Options of {@link startLosantSimulator}: the shared ones plus the organisation and token. */
export interface LosantSimulatorOptions extends SimulatorOptions {
  orgId?: string;
  apiToken?: string;
}

/** A running Losant audit-log API simulator. */
export interface LosantSimulator extends SimulatorBase<LosantAuditLog> {
  readonly provider: 'losant';
  readonly orgId: string;
  readonly apiToken: string;
}

/** The body of `GET /orgs/{orgId}/audit-logs`. */
export interface LosantAuditLogPage {
  items: LosantAuditLog[];
  count: number;
  totalCount: number;
  perPage: number;
  page: number;
  sortField: LosantSortField;
  sortDirection: 'asc' | 'desc';
  orgId: string;
}

/** Fields Losant can sort audit logs by. */
export type LosantSortField = 'creationDate' | 'responseStatus' | 'actorName';

const LIST_PATH = /^\/orgs\/([^/]+)\/audit-logs\/?$/;
const SHOW_PATH = /^\/orgs\/([^/]+)\/audit-logs\/([^/]+)\/?$/;
const SORT_FIELDS: readonly LosantSortField[] = ['creationDate', 'responseStatus', 'actorName'];
const MAX_PER_PAGE = 1000;

function validation(message: string): SimulatorReply {
  return jsonReply(400, { type: 'Validation', message });
}

function notFound(message: string): SimulatorReply {
  return jsonReply(404, { type: 'NotFound', message });
}

function primaryCompare(field: LosantSortField, a: LosantEntry, b: LosantEntry): number {
  if (field === 'creationDate') return a.ms - b.ms;
  if (field === 'responseStatus') return a.wire.responseStatus - b.wire.responseStatus;
  return a.wire.actorName < b.wire.actorName ? -1 : a.wire.actorName > b.wire.actorName ? 1 : 0;
}

/**
 * Starts a Losant audit-log simulator: pure offset paging over a result sorted afresh on every
 * call, with the order among equal sort values reshuffled each time, so offsets shift under
 * inserts and ties are unstable between calls — as the real API allows.
 */
export async function startLosantSimulator(options: LosantSimulatorOptions = {}): Promise<LosantSimulator> {
  const orgId = options.orgId ?? '575ed6e87ae143cd83dc4aa8';
  const apiToken = options.apiToken ?? 'losant-demo-token';
  const now = options.now ?? ((): Date => new Date());
  const seed = options.seed ?? SIMULATOR_DEFAULTS.seed;
  const random = createSeededRandom(deriveSeed(seed, 'losant'));
  const endMs = now().getTime();
  const factory = new LosantEventFactory(random, orgId, endMs);
  const entries: LosantEntry[] = [];
  for (const group of planTimestampGroups(random, {
    count: options.count ?? SIMULATOR_DEFAULTS.count,
    start: endMs - (options.days ?? SIMULATOR_DEFAULTS.days) * 86_400_000,
    end: endMs,
    bigTieGroup: options.bigTieGroup ?? SIMULATOR_DEFAULTS.bigTieGroup,
  })) {
    for (let i = 0; i < group.size; i += 1) entries.push(factory.make(group.at));
  }
  let listCalls = 0;

  const list = (request: SimulatorRequest): SimulatorReply => {
    const q = request.query;
    const sortField = (q.get('sortField') ?? 'creationDate') as LosantSortField;
    if (!SORT_FIELDS.includes(sortField)) return validation(`sortField must be one of ${SORT_FIELDS.join(', ')}`);
    const sortDirection = q.get('sortDirection') ?? 'desc';
    if (sortDirection !== 'asc' && sortDirection !== 'desc') return validation('sortDirection must be one of asc, desc');
    const page = q.has('page') ? parseStrictInt(q.get('page')) : 0;
    if (page === undefined || page < 0) return validation('page must be an integer greater than or equal to 0');
    const perPage = q.has('perPage') ? parseStrictInt(q.get('perPage')) : 100;
    if (perPage === undefined || perPage < 1 || perPage > MAX_PER_PAGE) {
      return validation(`perPage must be an integer between 1 and ${MAX_PER_PAGE}`);
    }
    const start = q.has('start') ? parseStrictInt(q.get('start')) : undefined;
    const end = q.has('end') ? parseStrictInt(q.get('end')) : undefined;
    if ((q.has('start') && (start === undefined || start < 0)) || (q.has('end') && (end === undefined || end < 0))) {
      return validation('start and end must be epoch milliseconds');
    }
    const parsed = parseLosantAuditLogFilter(q);
    if (!parsed.ok) return validation(parsed.message);

    const matching = entries.filter(
      (entry) =>
        (start === undefined || entry.ms >= start) &&
        (end === undefined || entry.ms <= end) &&
        matchesLosantAuditLogFilter(parsed.filter, entry.wire),
    );
    // A fresh tiebreak per call: the real API gives no order among equal sort values.
    listCalls += 1;
    const shuffle = createSeededRandom(deriveSeed(seed, `losant-order-${listCalls}`));
    const tiebreak = new Map(matching.map((entry) => [entry, shuffle.next()] as const));
    const sign = sortDirection === 'asc' ? 1 : -1;
    matching.sort((a, b) => sign * primaryCompare(sortField, a, b) || (tiebreak.get(a) ?? 0) - (tiebreak.get(b) ?? 0));
    const items = matching.slice(page * perPage, (page + 1) * perPage).map((entry) => structuredClone(entry.wire));
    const body: LosantAuditLogPage = {
      items,
      count: items.length,
      totalCount: matching.length,
      perPage,
      page,
      sortField,
      sortDirection,
      orgId,
    };
    return jsonReply(200, body);
  };

  const handle = (request: SimulatorRequest): SimulatorReply => {
    const listMatch = LIST_PATH.exec(request.path);
    const showMatch = listMatch ? null : SHOW_PATH.exec(request.path);
    if (!listMatch && !showMatch) return notFound('Resource was not found');
    const header = request.headers['authorization'];
    const [scheme, token, ...rest] = typeof header === 'string' ? header.trim().split(/\s+/) : [];
    if (scheme?.toLowerCase() !== 'bearer' || token !== apiToken || rest.length > 0) {
      return jsonReply(401, { type: 'Unauthorized', message: 'Authorization failed: a valid Bearer token is required' });
    }
    if (request.method !== 'GET') return jsonReply(405, { type: 'MethodNotAllowed', message: `${request.method} is not supported` });
    const pathOrg = decodePathSegment((listMatch ?? showMatch)?.[1]);
    if (pathOrg !== orgId) return notFound('Organization was not found');
    if (listMatch) return list(request);
    const id = decodePathSegment(showMatch?.[2]) ?? '';
    if (!/^[a-f0-9]{24}$/.test(id)) return validation('auditLogId must be a valid ObjectId');
    const entry = entries.find((candidate) => candidate.wire.id === id);
    return entry ? jsonReply(200, structuredClone(entry.wire)) : notFound('Audit log was not found');
  };

  const server = await startSimulatorServer({
    port: options.port ?? SIMULATOR_DEFAULTS.port,
    handle,
    errorReply: (status) => {
      const reason = STATUS_CODES[status] ?? 'Error';
      return jsonReply(status, { type: reason.replace(/[^A-Za-z]/g, ''), message: reason });
    },
    rateLimitedReply: () => jsonReply(429, { type: 'TooManyRequests', message: 'Too many requests, please slow down' }),
    malformedBodies: ['{"items":[{"id":"586e9d5151265cb9d72f6ec6","auditLogId":"586e', 'Bad Gateway'],
  });

  const ordered = (): LosantEntry[] => [...entries].sort((a, b) => a.ms - b.ms || a.seq - b.seq);
  return {
    provider: 'losant',
    orgId,
    apiToken,
    baseUrl: server.baseUrl,
    requests: server.requests,
    resetRequests: server.resetRequests,
    injectFault: server.injectFault,
    clearFaults: server.clearFaults,
    close: server.close,
    records: () => ordered().map((entry) => structuredClone(entry.wire)),
    insert: (count, insertOptions) => {
      const ms = (insertOptions?.at ?? now()).getTime();
      const added: LosantEntry[] = [];
      for (let i = 0; i < count; i += 1) added.push(factory.make(ms));
      entries.push(...added);
      return added.map((entry) => structuredClone(entry.wire));
    },
  };
}
