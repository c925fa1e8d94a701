import type { AuditEventRecord } from '../../domain/audit-event';
import { badShape, isRecord, logIdentity, optionalId, optionalString } from '../wire-guards';
import type { ZendeskAuditLog } from './zendesk.types';

/** Zendesk's actor id for changes made by the system itself. */
const SYSTEM_ACTOR_ID = -1;

/** Reads a cursor-mode page; stops on `has_more: false` whatever cursors say. */
export function readZendeskPage(sourceId: string, body: unknown): { logs: unknown[]; afterCursor: string | null } {
  if (!isRecord(body) || !Array.isArray(body.audit_logs)) badShape(sourceId, 'no "audit_logs" list');
  const meta = isRecord(body.meta) ? body.meta : undefined;
  if (!meta || typeof meta.has_more !== 'boolean') badShape(sourceId, 'no cursor paging "meta"');
  const after = optionalString(meta.after_cursor);
  return { logs: body.audit_logs, afterCursor: meta.has_more && after ? after : null };
}

/** Wire → domain. */
export function mapZendeskAuditLog(sourceId: string, log: unknown): AuditEventRecord {
  const { nativeId, occurredAt, timeKey } = logIdentity(sourceId, log, { id: (l) => optionalId(l.id), time: 'created_at' });
  const entry = log as unknown as ZendeskAuditLog;
  const actorId = optionalId(entry.actor_id);
  const targetId = optionalId(entry.source_id);
  const targetType = optionalString(entry.source_type);
  const targetName = optionalString(entry.source_label);
  return {
    sourceId,
    nativeId,
    occurredAt,
    timeKey,
    action: optionalString(entry.action) ?? 'unknown',
    description: optionalString(entry.change_description),
    actor: {
      id: actorId,
      name: optionalString(entry.actor_name),
      email: null,
      type: entry.actor_id === SYSTEM_ACTOR_ID ? 'SYSTEM' : 'USER',
    },
    target: targetId === null && targetType === null && targetName === null ? null : { id: targetId, type: targetType, name: targetName },
    ipAddress: optionalString(entry.ip_address),
    userAgent: null,
    request: null,
    raw: log,
  };
}
