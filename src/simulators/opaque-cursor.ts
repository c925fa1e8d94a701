import { createHash } from 'node:crypto';

const CHECKSUM_SALT = 'auditgraph-simulator';

function checksum(json: string): string {
  return createHash('sha256').update(CHECKSUM_SALT).update(json).digest('base64url').slice(0, 8);
}

/** Encodes a JSON-serialisable payload as an opaque, tamper-evident token. */
export function encodeOpaqueCursor(payload: unknown): string {
  const json = JSON.stringify(payload);
  return `${Buffer.from(json, 'utf8').toString('base64url')}.${checksum(json)}`;
}

/** Decodes a token made by {@link encodeOpaqueCursor}; `undefined` when it is malformed or altered. */
export function decodeOpaqueCursor(token: string): unknown {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const body = token.slice(0, dot);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
  const json = Buffer.from(body, 'base64url').toString('utf8');
  if (checksum(json) !== token.slice(dot + 1)) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** A short stable digest of a string, e.g. to bind a cursor to the query that made it. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}
