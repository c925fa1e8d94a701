import type { AuditEventRecord } from '../domain/audit-event';

/**
 * Compares strings by Unicode code point, as the contract orders source names and native ids.
 * JavaScript's `<` compares UTF-16 code units, which differs for astral characters.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate encodes a code point above U+FFFF, so it outranks any BMP unit it meets.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The position of an event in the total order: `(occurredAt, source, nativeId)`. */
export interface EventKey {
  readonly timeKey: string;
  readonly sourceId: string;
  readonly nativeId: string;
}

/** Ascending comparison of two keys; the timeline order is this or its exact reverse. */
export function compareKeys(a: EventKey, b: EventKey): number {
  if (a.timeKey !== b.timeKey) return a.timeKey < b.timeKey ? -1 : 1;
  if (a.sourceId !== b.sourceId) return compareCodePoints(a.sourceId, b.sourceId);
  return compareCodePoints(a.nativeId, b.nativeId);
}

/** Direction a scan walks the timeline in. */
export type ScanDirection = 'ASC' | 'DESC';

/** Comparison in scan direction: negative when `a` comes first. */
export function compareInDirection(direction: ScanDirection, a: EventKey, b: EventKey): number {
  return direction === 'ASC' ? compareKeys(a, b) : compareKeys(b, a);
}

/** The key of an event. */
export function keyOf(event: AuditEventRecord): EventKey {
  return { timeKey: event.timeKey, sourceId: event.sourceId, nativeId: event.nativeId };
}

/** Time comparison in scan direction: negative when time key `a` comes first. */
export function compareTimeInDirection(direction: ScanDirection, a: string, b: string): number {
  if (a === b) return 0;
  return a < b === (direction === 'ASC') ? -1 : 1;
}
