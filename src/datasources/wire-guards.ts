import { upstreamError } from './upstream-errors';

/** Narrowing helpers for provider responses: a shape we cannot read is UPSTREAM_BAD_RESPONSE. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Throws a typed bad-response error naming the source and what was missing. */
export function badShape(sourceId: string, detail: string): never {
  throw upstreamError(sourceId, { kind: 'malformed', detail });
}

/** A string field or null (absent, null, or not a string). */
export function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A string or number field as text (ids arrive as either), else null. */
export function optionalId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** An integer field or null. */
export function optionalInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return null;
}
