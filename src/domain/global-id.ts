/** What a global id points at. */
export type GlobalIdTarget =
  | { readonly type: 'Source'; readonly sourceId: string }
  | { readonly type: 'AuditEvent'; readonly sourceId: string; readonly timeKey: string; readonly nativeId: string };

const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

/**
 * Encodes a global id. An event's id carries its time as well, because LogRocket has no way to
 * fetch a log but to read the instant it happened at.
 */
export function encodeGlobalId(target: GlobalIdTarget): string {
  const parts = target.type === 'Source' ? ['Source', target.sourceId] : ['AuditEvent', target.sourceId, target.timeKey, target.nativeId];
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** Decodes a global id; null for anything that is not one of ours. */
export function decodeGlobalId(id: string): GlobalIdTarget | null {
  if (id.length === 0 || id.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string')) return null;
  if (parts[0] === 'Source' && parts.length === 2) return { type: 'Source', sourceId: parts[1] };
  if (parts[0] === 'AuditEvent' && parts.length === 4 && TIME_KEY.test(parts[2])) {
    return { type: 'AuditEvent', sourceId: parts[1], timeKey: parts[2], nativeId: parts[3] };
  }
  return null;
}
