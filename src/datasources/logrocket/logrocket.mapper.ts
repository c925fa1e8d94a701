import { createHash, hash } from 'node:crypto';
import type { AuditEventRecord } from '../../domain/audit-event';
import { parseTimestamp } from '../../paging/time-key';
import { badShape, isRecord, optionalString } from '../wire-guards';
import type { LogRocketAuditLog, LogRocketAuditLogPage } from './logrocket.types';

/** Reads a page tolerantly: `cursor` may be a number or a string; anything unreadable is a typed error. */
export function readLogRocketPage(sourceId: string, body: unknown): { logs: LogRocketAuditLog[]; hasNext: boolean; cursor: string | null } {
  if (!isRecord(body) || !Array.isArray(body.logs)) badShape(sourceId, 'no "logs" list');
  const page = body as unknown as LogRocketAuditLogPage;
  const cursor = page.cursor === undefined || page.cursor === null ? null : String(page.cursor);
  return { logs: [...page.logs], hasNext: page.has_next === true, cursor };
}

// Every log read is hashed: the one-shot hash costs a third of a Hash object, with the same digest.
// It exists from Node 20.12 on; older 20.x keep the Hash object.
const sha256Base64url =
  typeof hash === 'function'
    ? (text: string): string => hash('sha256', text, 'base64url')
    : (text: string): string => createHash('sha256').update(text).digest('base64url');

/**
 * LogRocket logs have no id: this one is derived from everything the log says, so the same log
 * gets the same id on every read.
 */
export function syntheticLogRocketId(log: LogRocketAuditLog): string {
  const material = [log.created_date, log.user ?? '', log.action, log.description ?? ''].join('\u0000');
  return `lr_${sha256Base64url(material).slice(0, 22)}`;
}

/** Wire → domain. */
export function mapLogRocketLog(sourceId: string, log: unknown): AuditEventRecord {
  if (!isRecord(log)) badShape(sourceId, 'a log entry is not an object');
  const created = typeof log.created_date === 'string' ? parseTimestamp(log.created_date) : null;
  if (!created) badShape(sourceId, 'a log entry has no readable "created_date"');
  if (typeof log.action !== 'string') badShape(sourceId, 'a log entry has no "action"');
  const entry = log as unknown as LogRocketAuditLog;
  const user = optionalString(entry.user);
  const isEmail = user !== null && user.includes('@');
  return {
    sourceId,
    nativeId: syntheticLogRocketId(entry),
    occurredAt: created.iso,
    timeKey: created.key,
    action: entry.action,
    description: optionalString(entry.description),
    actor: { id: user, name: null, email: isEmail ? user : null, type: isEmail ? 'USER' : 'SYSTEM' },
    target: null,
    ipAddress: null,
    userAgent: null,
    request: null,
    raw: log,
  };
}

/**
 * Identical logs at the same microsecond would share a synthetic id; the second and later
 * copies get `.2`, `.3`, … Stable as long as it is applied to whole instants, which the scans do.
 */
export function withDistinctLogRocketIds(events: readonly AuditEventRecord[]): AuditEventRecord[] {
  const copies = new Map<string, number>();
  return events.map((event) => {
    const n = (copies.get(event.nativeId) ?? 0) + 1;
    copies.set(event.nativeId, n);
    return n === 1 ? event : { ...event, nativeId: `${event.nativeId}.${n}` };
  });
}
