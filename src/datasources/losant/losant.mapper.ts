import type { ActorType, AuditEventRecord } from '../../domain/audit-event';
import { badShape, isRecord, logIdentity, optionalInt, optionalString } from '../wire-guards';
import type { LosantAuditLog } from './losant.types';

const ACTOR_TYPES: Record<string, ActorType> = {
  User: 'USER',
  ApiToken: 'API_KEY',
  Application: 'APPLICATION',
  Device: 'DEVICE',
  Flow: 'FLOW',
};

/** Losant actor type for a schema actor type, for native filtering. */
export const LOSANT_ACTOR_TYPE_OF: Partial<Record<ActorType, string>> = Object.fromEntries(
  Object.entries(ACTOR_TYPES).map(([native, type]) => [type, native]),
);

/** Reads a list page; `totalCount` drives both "more?" and `totalCount`. */
export function readLosantPage(sourceId: string, body: unknown): { items: unknown[]; totalCount: number } {
  if (!isRecord(body) || !Array.isArray(body.items)) badShape(sourceId, 'no "items" list');
  const totalCount = optionalInt(body.totalCount);
  if (totalCount === null) badShape(sourceId, 'no "totalCount"');
  return { items: body.items, totalCount };
}

/** The schema's action for a Losant log: `requestResource.requestAction`. */
export function losantAction(resource: string | null, action: string | null): string {
  if (resource && action) return `${resource}.${action}`;
  return resource ?? action ?? 'unknown';
}

/** Wire → domain. */
export function mapLosantAuditLog(sourceId: string, log: unknown): AuditEventRecord {
  const { nativeId, occurredAt, timeKey } = logIdentity(sourceId, log, {
    id: (l) => optionalString(l.id) ?? optionalString(l.auditLogId),
    time: 'creationDate',
  });
  const entry = log as unknown as LosantAuditLog;
  const actorName = optionalString(entry.actorName);
  const hasSecondary = Boolean(entry.secondaryTargetId || entry.secondaryTargetType);
  const status = optionalInt(entry.responseStatus);
  return {
    sourceId,
    nativeId,
    occurredAt,
    timeKey,
    action: losantAction(optionalString(entry.requestResource), optionalString(entry.requestAction)),
    description: null,
    actor: {
      id: optionalString(entry.actorId),
      name: actorName,
      email: actorName !== null && entry.actorType === 'User' && actorName.includes('@') ? actorName : null,
      type: ACTOR_TYPES[entry.actorType ?? ''] ?? 'UNKNOWN',
    },
    target: hasSecondary
      ? {
          id: optionalString(entry.secondaryTargetId),
          type: optionalString(entry.secondaryTargetType),
          name: optionalString(entry.secondaryTargetName),
        }
      : entry.primaryTargetId || entry.primaryTargetType
        ? {
            id: optionalString(entry.primaryTargetId),
            type: optionalString(entry.primaryTargetType),
            name: optionalString(entry.primaryTargetName),
          }
        : null,
    ipAddress: null,
    userAgent: null,
    request: status === null ? null : { method: null, path: null, statusCode: status },
    raw: log,
  };
}
