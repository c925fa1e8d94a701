import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuditGraphError } from '../errors';

/** Per-source resume hints: optional, for cost only; correctness never depends on them. */
export interface SourceHint {
  /** A position of this source that differs from the cursor's key (a source that failed under PARTIAL). */
  readonly k?: readonly [timeKey: string, nativeId: string] | null;
  /** Reverse-window width in ms, for sources scanned newest-first by emulation (LogRocket). */
  readonly w?: number;
  /** Oldest time key known to exist in the source, so emulated reverse scans know where to stop. */
  readonly lo?: string;
}

/** What a cursor carries. Kept terse: it travels in every edge. */
export interface CursorPayload {
  /** Binding digest: tenant, sources, filter and order the cursor was made for. */
  readonly b: string;
  /** The last consumed position `(timeKey, sourceId, nativeId)`, or null for "before everything". */
  readonly k: readonly [timeKey: string, sourceId: string, nativeId: string] | null;
  /** Hints by source id. */
  readonly s?: Readonly<Record<string, SourceHint>>;
}

/** What a cursor is bound to; any difference makes it INVALID_CURSOR. */
export interface CursorBinding {
  readonly tenantId: string;
  readonly sourceIds: readonly string[];
  readonly filter: unknown;
  readonly order: string;
}

const MAC_BYTES = 16;
const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

/** Canonical JSON: object keys sorted, so equal filters give equal digests. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Digest of a binding; source order does not matter. */
export function bindingDigest(binding: CursorBinding): string {
  const canonical = canonicalJson({
    t: binding.tenantId,
    s: [...binding.sourceIds].sort(),
    f: binding.filter ?? null,
    o: binding.order,
  });
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function invalid(reason: string): AuditGraphError {
  return new AuditGraphError(
    'INVALID_CURSOR',
    `The cursor is not valid for this query (${reason}). Use a cursor returned by the same query — same sources, filter and order — or start again without one.`,
  );
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function checkHint(value: unknown): value is SourceHint {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const hint = value as Record<string, unknown>;
  for (const key of Object.keys(hint)) if (key !== 'k' && key !== 'w' && key !== 'lo') return false;
  if (hint.k !== undefined && hint.k !== null) {
    if (!Array.isArray(hint.k) || hint.k.length !== 2 || !hint.k.every(isString) || !TIME_KEY.test(hint.k[0])) return false;
  }
  if (hint.w !== undefined && !(Number.isSafeInteger(hint.w) && (hint.w as number) > 0)) return false;
  if (hint.lo !== undefined && !(isString(hint.lo) && TIME_KEY.test(hint.lo))) return false;
  return true;
}

function checkPayload(value: unknown): value is CursorPayload {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const payload = value as Record<string, unknown>;
  if (!isString(payload.b)) return false;
  if (payload.k !== null) {
    if (!Array.isArray(payload.k) || payload.k.length !== 3 || !payload.k.every(isString)) return false;
    if (!TIME_KEY.test(payload.k[0])) return false;
  }
  if (payload.s !== undefined) {
    if (payload.s === null || typeof payload.s !== 'object' || Array.isArray(payload.s)) return false;
    if (!Object.values(payload.s).every(checkHint)) return false;
  }
  return true;
}

/**
 * Signs and verifies cursors: `base64url(json) "." base64url(hmac-sha256[0..16])`.
 * Opaque to clients, tamper-evident, and bound to the query that made them.
 */
export class CursorCodec {
  private readonly secret: Buffer;

  constructor(secret: string) {
    if (secret.length === 0) throw new Error('cursor secret must not be empty');
    this.secret = Buffer.from(secret, 'utf8');
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }

  /** Encodes and signs a payload. */
  encode(payload: CursorPayload): string {
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** Verifies, decodes and checks the binding; every failure is INVALID_CURSOR. */
  decode(cursor: string, expectedBinding: string): CursorPayload {
    if (cursor.length === 0 || cursor.length > 8192) throw invalid('wrong length');
    const dot = cursor.indexOf('.');
    if (dot <= 0 || dot !== cursor.lastIndexOf('.')) throw invalid('malformed');
    const body = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('signature mismatch');
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid('malformed');
    }
    if (!checkPayload(payload)) throw invalid('malformed');
    if (payload.b !== expectedBinding) throw invalid('made for a different tenant, sources, filter or order');
    return payload;
  }
}
