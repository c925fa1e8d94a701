import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AuditGraphError } from '../errors';

/** A position in the timeline: `(timeKey, sourceId, nativeId)`. */
export type CursorKey = readonly [timeKey: string, sourceId: string, nativeId: string];

/**
 * How to re-issue the native request a source's scan stood at, so that a resumed page hits the
 * page cache instead of the provider. Direction-specific; ignored when it does not fit.
 */
export interface NativeToken {
  /** Scan direction the token was made for: `A` ascending, `D` descending. */
  readonly d: 'A' | 'D';
  /** Anchor time key of the native query, if any. */
  readonly a?: string;
  /** 1 when the anchor excludes its own instant. */
  readonly x?: 1;
  /** The provider's continuation within the anchored query. */
  readonly c?: string;
  /** Start (epoch ms) of an emulated reverse window. */
  readonly s?: number;
}

/** Per-source resume hints. Only `k` is about correctness; the rest saves upstream calls. */
export interface SourceHint {
  /** This source's own position when it differs from the cursor's key (a source that failed under PARTIAL). */
  readonly k?: CursorKey | null;
  readonly t?: NativeToken;
  /** Reverse-window width in ms, for sources scanned newest-first by emulation (LogRocket). */
  readonly w?: number;
  /** Oldest time key known to exist in the source, so emulated reverse scans know where to stop. */
  readonly lo?: string;
}

/** What a cursor carries. Kept terse: it travels in every edge. */
export interface CursorPayload {
  /** Binding digest: tenant, sources, filter and order the cursor was made for. */
  readonly b: string;
  /** The last consumed position, or null for "before everything". */
  readonly k: CursorKey | null;
  /** Hints by source id. */
  readonly s?: Readonly<Record<string, SourceHint>>;
  /** Carried by cursors of earlier versions (a paging session's id); accepted and ignored. */
  readonly r?: string;
}

/** What a cursor is bound to; any difference makes it INVALID_CURSOR. */
export interface CursorBinding {
  readonly tenantId: string;
  readonly sourceIds: readonly string[];
  readonly filter: unknown;
  readonly order: string;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** base64url character → the character with only its two high bits kept. */
const TOP_TWO_BITS = new Map([...BASE64URL].map((c, i) => [c, BASE64URL[i & 0b110000]!]));
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

function isKey(value: unknown): value is CursorKey {
  return Array.isArray(value) && value.length === 3 && value.every(isString) && TIME_KEY.test(value[0]);
}

function checkToken(value: unknown): value is NativeToken {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const token = value as Record<string, unknown>;
  for (const key of Object.keys(token)) if (!['d', 'a', 'x', 'c', 's'].includes(key)) return false;
  return (
    (token.d === 'A' || token.d === 'D') &&
    (token.a === undefined || (isString(token.a) && TIME_KEY.test(token.a))) &&
    (token.x === undefined || token.x === 1) &&
    (token.c === undefined || isString(token.c)) &&
    (token.s === undefined || Number.isSafeInteger(token.s))
  );
}

function checkHint(value: unknown): value is SourceHint {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const hint = value as Record<string, unknown>;
  for (const key of Object.keys(hint)) if (!['k', 't', 'w', 'lo'].includes(key)) return false;
  if (hint.k !== undefined && hint.k !== null && !isKey(hint.k)) return false;
  if (hint.t !== undefined && !checkToken(hint.t)) return false;
  if (hint.w !== undefined && !(Number.isSafeInteger(hint.w) && (hint.w as number) > 0)) return false;
  if (hint.lo !== undefined && !(isString(hint.lo) && TIME_KEY.test(hint.lo))) return false;
  return true;
}

function checkPayload(value: unknown): value is CursorPayload {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const payload = value as Record<string, unknown>;
  for (const key of Object.keys(payload)) if (!['b', 'k', 's', 'r'].includes(key)) return false;
  if (!isString(payload.b)) return false;
  if (payload.k !== null && !isKey(payload.k)) return false;
  if (payload.r !== undefined && !(isString(payload.r) && /^[A-Za-z0-9_-]{1,32}$/.test(payload.r))) return false;
  if (payload.s !== undefined) {
    if (payload.s === null || typeof payload.s !== 'object' || Array.isArray(payload.s)) return false;
    if (!Object.values(payload.s).every(checkHint)) return false;
  }
  return true;
}

/** The secrets cursors are signed with: new cursors use `current`; `previous` ones are still accepted. */
export interface CursorSecrets {
  readonly current: string;
  readonly previous?: readonly string[];
}

/** Public id of a secret: lets a cursor name its key without revealing anything of it. */
export function cursorKeyId(secret: string): string {
  return createHash('sha256').update(`auditgraph-cursor-key:${secret}`).digest('base64url').slice(0, 6);
}

/**
 * Signs and verifies cursors: `kid "." base64url(json) "." base64url(hmac-sha256[0..16])`, the
 * MAC over `kid.body`. Opaque to clients, tamper-evident, bound to the query that made them, and
 * rotatable: the key id picks the secret, so cursors made with a previous secret keep working.
 */
export class CursorCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly currentId: string;

  constructor(secrets: string | CursorSecrets) {
    const { current, previous = [] } = typeof secrets === 'string' ? { current: secrets } : secrets;
    if (current.length === 0) throw new Error('cursor secret must not be empty');
    this.currentId = cursorKeyId(current);
    this.keys = new Map(
      [current, ...previous].filter((s) => s.length > 0).map((secret) => [cursorKeyId(secret), Buffer.from(secret, 'utf8')]),
    );
  }

  /** base64url of the first 16 bytes of HMAC-SHA256(key, signedText). */
  private mac(key: Buffer, signedText: string): string {
    // The same 22 characters as encoding the 16 bytes themselves, without the Buffer round trip
    // (a third of the cost, once per edge): 21 characters carry 126 bits, the 22nd the last two.
    const full = createHmac('sha256', key).update(signedText).digest('base64url');
    return full.slice(0, 21) + TOP_TWO_BITS.get(full[21]!)!;
  }

  /** Encodes and signs a payload with the current secret. */
  encode(payload: CursorPayload): string {
    const signedText = `${this.currentId}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
    return `${signedText}.${this.mac(this.keys.get(this.currentId)!, signedText)}`;
  }

  /**
   * Signs any JSON value as a token of `domain` (e.g. `session-export/v1`), with the same keys
   * and rotation as cursors; a token of one domain never opens as another's, nor as a cursor.
   */
  seal(domain: string, data: unknown): string {
    const signedText = `${this.currentId}.${Buffer.from(JSON.stringify(data), 'utf8').toString('base64url')}`;
    return `${signedText}.${this.mac(this.keys.get(this.currentId)!, `${domain}\n${signedText}`)}`;
  }

  /** Verifies a token of `domain` and returns its value, unchecked; null when it is not one (forged, other domain, retired key, malformed). */
  open(domain: string, token: string): unknown {
    if (token.length === 0 || token.length > 8192) return null;
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => p.length === 0)) return null;
    const [keyId, body, givenMac] = parts;
    const key = this.keys.get(keyId);
    if (!key) return null;
    const given = Buffer.from(givenMac, 'utf8');
    const expected = Buffer.from(this.mac(key, `${domain}\n${keyId}.${body}`), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return null;
    }
  }

  /** Verifies, decodes and checks the binding; every failure is INVALID_CURSOR. */
  decode(cursor: string, expectedBinding: string): CursorPayload {
    if (cursor.length === 0 || cursor.length > 8192) throw invalid('wrong length');
    const parts = cursor.split('.');
    if (parts.length !== 3 || parts.some((p) => p.length === 0)) throw invalid('malformed');
    const [keyId, body, givenMac] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw invalid('signed with an unknown or retired key');
    // Compared as text: base64url decoding ignores stray characters and spare bits, text does not.
    const given = Buffer.from(givenMac, 'utf8');
    const expected = Buffer.from(this.mac(key, `${keyId}.${body}`), 'utf8');
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
