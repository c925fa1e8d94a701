/** What a global id points at. */
export type GlobalIdTarget =
  | { readonly type: 'Source'; readonly sourceId: string }
  | { readonly type: 'AuditEvent'; readonly sourceId: string; readonly timeKey: string; readonly nativeId: string }
  /** A LogRocket user, by the id the customer's app gave it. */
  | { readonly type: 'User'; readonly sourceId: string; readonly userId: string }
  /** A Galileo highlights request, by LogRocket's request id. */
  | { readonly type: 'Highlights'; readonly sourceId: string; readonly requestId: string };

const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

/**
 * A time key that names a real instant the providers can be asked about: a calendar date and
 * time (no month 13, no 25 o'clock) from 1970 on. A forged id with any other time is no event of
 * ours: it must not reach a provider, which would refuse it.
 */
function isEventTime(key: string): boolean {
  if (!TIME_KEY.test(key)) return false;
  const millis = `${key.slice(0, 23)}Z`;
  const ms = Date.parse(millis);
  return Number.isFinite(ms) && ms >= 0 && new Date(ms).toISOString() === millis;
}

function partsOf(target: GlobalIdTarget): string[] {
  switch (target.type) {
    case 'Source':
      return ['Source', target.sourceId];
    case 'AuditEvent':
      return ['AuditEvent', target.sourceId, target.timeKey, target.nativeId];
    case 'User':
      return ['User', target.sourceId, target.userId];
    case 'Highlights':
      return ['Highlights', target.sourceId, target.requestId];
  }
}

/**
 * Encodes a global id. An event's id carries its time as well, because LogRocket has no way to
 * fetch a log but to read the instant it happened at.
 */
export function encodeGlobalId(target: GlobalIdTarget): string {
  const parts = partsOf(target);
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** Decodes a global id; null for anything that is not one of ours. */
export function decodeGlobalId(id: string): GlobalIdTarget | null {
  // A user id may be 1024 characters of up to 4 UTF-8 bytes each, hence the generous bound.
  if (id.length === 0 || id.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string')) return null;
  if (parts[0] === 'Source' && parts.length === 2) return { type: 'Source', sourceId: parts[1] };
  if (parts[0] === 'AuditEvent' && parts.length === 4 && isEventTime(parts[2])) {
    return { type: 'AuditEvent', sourceId: parts[1], timeKey: parts[2], nativeId: parts[3] };
  }
  if (parts[0] === 'User' && parts.length === 3 && parts[2] !== '') return { type: 'User', sourceId: parts[1], userId: parts[2] };
  if (parts[0] === 'Highlights' && parts.length === 3 && parts[2] !== '') {
    return { type: 'Highlights', sourceId: parts[1], requestId: parts[2] };
  }
  return null;
}
