import type { ActorType, AuditEventRecord } from '../../domain/audit-event';
import { badShape, isRecord, logIdentity, optionalInt, optionalString } from '../wire-guards';
import type { NirvanaAuditLog } from './nirvana.types';

const ACTOR_TYPES: Record<string, ActorType> = { user: 'USER', api_key: 'API_KEY' };

/** Nirvana actor type for a schema actor type, for native filtering. */
export const NIRVANA_ACTOR_TYPE_OF: Partial<Record<ActorType, string>> = { USER: 'user', API_KEY: 'api_key' };

/** Reads a list page: items, the next cursor (null at the end) and the total. */
export function readNirvanaPage(
  sourceId: string,
  body: unknown,
): { items: unknown[]; nextCursor: string | null; totalCount: number | null } {
  if (!isRecord(body) || !Array.isArray(body.items)) badShape(sourceId, 'no "items" list');
  const pagination = isRecord(body.pagination) ? body.pagination : {};
  return {
    items: body.items,
    nextCursor: optionalString(pagination.next_cursor),
    totalCount: optionalInt(pagination.total_count),
  };
}

/** Wire → domain. */
export function mapNirvanaAuditLog(sourceId: string, log: unknown): AuditEventRecord {
  const { nativeId, occurredAt, timeKey } = logIdentity(sourceId, log, { id: (l) => optionalString(l.id), time: 'created_at' });
  const entry = log as unknown as NirvanaAuditLog;
  const actor = isRecord(entry.actor) ? entry.actor : {};
  const target = isRecord(entry.target) ? entry.target : null;
  const method = optionalString(entry.method);
  const path = optionalString(entry.path);
  const status = optionalInt(entry.status_code);
  return {
    sourceId,
    nativeId,
    occurredAt,
    timeKey,
    action: optionalString(entry.action) ?? 'unknown',
    description: null,
    actor: {
      id: optionalString(actor.id),
      name: optionalString(actor.name),
      email: null,
      type: ACTOR_TYPES[optionalString(actor.type) ?? ''] ?? 'UNKNOWN',
    },
    target: target ? { id: optionalString(target.id), type: optionalString(target.type), name: null } : null,
    ipAddress: optionalString(entry.client_ip),
    userAgent: optionalString(entry.user_agent),
    request: method === null && path === null && status === null ? null : { method, path, statusCode: status },
    raw: log,
  };
}
