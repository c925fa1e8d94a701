import type { LosantAuditLog } from './losant-event.factory';

/** `{id?, type?, name?}` matcher for a target or the actor. */
export interface LosantEntityMatcher {
  id?: string;
  type?: string;
  name?: string;
}

/** `{resource?, action?}` matcher for the request. */
export interface LosantRequestMatcher {
  resource?: string;
  action?: string;
}

/** The parsed `auditLogFilter`: OR within each list, AND across lists. */
export interface LosantAuditLogFilter {
  primaryTarget?: LosantEntityMatcher[];
  secondaryTarget?: LosantEntityMatcher[];
  actor?: LosantEntityMatcher[];
  request?: LosantRequestMatcher[];
  responseCode?: number[];
}

/** Parsing outcome: the filter, or the validation message Losant would answer with. */
export type LosantFilterParse = { ok: true; filter: LosantAuditLogFilter } | { ok: false; message: string };

const ENTITY_KEYS = ['primaryTarget', 'secondaryTarget', 'actor'] as const;
const ENTITY_FIELDS = ['id', 'type', 'name'] as const;
const REQUEST_FIELDS = ['resource', 'action'] as const;
const OBJECT_ID = /^[a-f0-9]{24}$/;
const MAX_INDEX = 100;

type EntityKey = (typeof ENTITY_KEYS)[number];

/** Parses `auditLogFilter[...]` bracket parameters the way Losant's query parser and validator do. */
export function parseLosantAuditLogFilter(query: URLSearchParams): LosantFilterParse {
  const lists = new Map<string, Map<number, Record<string, string>>>();
  const codes = new Map<number, number>();
  let appendCounter = MAX_INDEX + 1;
  for (const [key, value] of query) {
    if (key !== 'auditLogFilter' && !key.startsWith('auditLogFilter[')) continue;
    const match = /^auditLogFilter((?:\[[^[\]]*\])+)$/.exec(key);
    if (!match) return { ok: false, message: 'auditLogFilter must be an object' };
    const parts = [...(match[1] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '');
    const [name, indexText, field, ...rest] = parts;
    if (rest.length > 0) return { ok: false, message: `${key} is not allowed` };
    if (indexText === undefined || !/^\d*$/.test(indexText) || (indexText !== '' && Number(indexText) > MAX_INDEX)) {
      return { ok: false, message: `auditLogFilter.${name ?? ''} must be an array` };
    }
    const index = indexText === '' ? appendCounter++ : Number(indexText);
    if (name === 'responseCode') {
      if (field !== undefined) return { ok: false, message: `${key} is not allowed` };
      if (!/^\d{3}$/.test(value)) return { ok: false, message: `auditLogFilter.responseCode[${indexText}] must be an integer` };
      codes.set(index, Number(value));
      continue;
    }
    const allowed: readonly string[] | undefined = (ENTITY_KEYS as readonly string[]).includes(name ?? '')
      ? ENTITY_FIELDS
      : name === 'request'
        ? REQUEST_FIELDS
        : undefined;
    if (allowed === undefined) return { ok: false, message: `auditLogFilter.${name ?? ''} is not allowed` };
    if (field === undefined || !allowed.includes(field)) {
      return { ok: false, message: `auditLogFilter.${name}[${indexText}] must be an object with ${allowed.join(', ')}` };
    }
    if (value === '') return { ok: false, message: `auditLogFilter.${name}[${indexText}].${field} is not allowed to be empty` };
    if (field === 'id' && !OBJECT_ID.test(value)) {
      return { ok: false, message: `auditLogFilter.${name}[${indexText}].id must be a valid ObjectId` };
    }
    const list = lists.get(name as string) ?? new Map<number, Record<string, string>>();
    lists.set(name as string, list);
    const item = list.get(index) ?? {};
    item[field] = value;
    list.set(index, item);
  }

  const ordered = <T>(map: Map<number, T>): T[] => [...map.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  const filter: LosantAuditLogFilter = {};
  for (const key of ENTITY_KEYS) {
    const list = lists.get(key);
    if (list) filter[key] = ordered(list);
  }
  const request = lists.get('request');
  if (request) filter.request = ordered(request);
  if (codes.size > 0) filter.responseCode = ordered(codes);
  return { ok: true, filter };
}

function entityOf(log: LosantAuditLog, key: EntityKey): LosantEntityMatcher | undefined {
  if (key === 'actor') return { id: log.actorId, type: log.actorType, name: log.actorName };
  if (key === 'primaryTarget') return { id: log.primaryTargetId, type: log.primaryTargetType, name: log.primaryTargetName };
  if (log.secondaryTargetId === undefined) return undefined;
  return { id: log.secondaryTargetId, type: log.secondaryTargetType, name: log.secondaryTargetName };
}

function fieldsMatch(matcher: Record<string, string | undefined>, actual: Record<string, string | undefined>): boolean {
  return Object.entries(matcher).every(([field, expected]) => expected === undefined || actual[field] === expected);
}

/** True when `log` satisfies every list of the filter (and at least one entry of each). */
export function matchesLosantAuditLogFilter(filter: LosantAuditLogFilter, log: LosantAuditLog): boolean {
  for (const key of ENTITY_KEYS) {
    const matchers = filter[key];
    if (!matchers) continue;
    const entity = entityOf(log, key);
    if (!entity || !matchers.some((matcher) => fieldsMatch({ ...matcher }, { ...entity }))) return false;
  }
  if (filter.request && !filter.request.some((m) => fieldsMatch({ ...m }, { resource: log.requestResource, action: log.requestAction }))) {
    return false;
  }
  if (filter.responseCode && !filter.responseCode.includes(log.responseStatus)) return false;
  return true;
}
