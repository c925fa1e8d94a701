/**
 * Timestamps in three forms:
 * - the provider's ISO text (kept for `occurredAt`, at the provider's own precision),
 * - a *time key*: UTC, fixed width with nanoseconds (`2024-02-02T20:48:40.376852000Z`), so that
 *   plain string comparison is time comparison across providers of different precision,
 * - epoch milliseconds, for providers whose filters take numbers.
 */

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

/** A parsed, UTC-normalised timestamp. */
export interface ParsedTimestamp {
  /** UTC ISO 8601 keeping exactly the fraction digits the input had. */
  readonly iso: string;
  /** Fixed-width nanosecond UTC form; sorts as a string. */
  readonly key: string;
  /** Milliseconds since the epoch, rounded down. */
  readonly epochMs: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Parses ISO 8601 / RFC 3339 with any offset and up to 9 fraction digits; null when it is not one. */
export function parseTimestamp(input: string): ParsedTimestamp | null {
  const match = ISO_PATTERN.exec(input.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const isUtc = zone === 'Z' || zone === 'z';
  // Provider timestamps are mostly UTC already: then the text itself is the normalised form and no
  // Date needs building (Date.UTC is exact from year 100 on; earlier years take the path below).
  if (isUtc && year >= 100 && day <= daysInMonth(year, month)) {
    const base = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
    const nanos = fraction.padEnd(9, '0');
    return {
      iso: fraction ? `${base}.${fraction}Z` : `${base}Z`,
      key: `${base}.${nanos}Z`,
      epochMs: Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(Number(nanos) / 1_000_000),
    };
  }
  let offsetMinutes = 0;
  if (!isUtc) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = sign * (offH * 60 + offM);
  }
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes them as given.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  check.setUTCHours(hour, minute, second, 0);
  const localMs = check.getTime();
  // Date.UTC rolls 31 February over into March; a real timestamp never does.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  const utcSecondsMs = localMs - offsetMinutes * 60_000;
  const utc = new Date(utcSecondsMs);
  const base =
    `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1, 2)}-${pad(utc.getUTCDate(), 2)}` +
    `T${pad(utc.getUTCHours(), 2)}:${pad(utc.getUTCMinutes(), 2)}:${pad(utc.getUTCSeconds(), 2)}`;
  const nanos = fraction.padEnd(9, '0');
  return {
    iso: fraction ? `${base}.${fraction}Z` : `${base}Z`,
    key: `${base}.${nanos}Z`,
    epochMs: utcSecondsMs + Math.floor(Number(nanos) / 1_000_000),
  };
}

/**
 * Earliest instant every provider can be asked about: the Unix epoch. Losant's `start`/`end` and
 * LogRocket's first cursor are epoch milliseconds, which they refuse when negative.
 */
export const EARLIEST_TIME_KEY = '1970-01-01T00:00:00.000000000Z';

/**
 * Latest instant every provider can be asked about: the last whole second with a four-digit year
 * (RFC 3339, which Zendesk and Nirvana take). A whole second, so rounding it up to a second stays put.
 */
export const LATEST_TIME_KEY = '9999-12-31T23:59:59.000000000Z';

const EARLIEST_MS = 0;
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * The time key of a parsed timestamp, moved into [EARLIEST_TIME_KEY, LATEST_TIME_KEY]. Decided on
 * `epochMs`, since a year before 0000 or after 9999 (reachable through an offset) has no
 * fixed-width key.
 */
export function clampedTimeKey(parsed: ParsedTimestamp): string {
  if (parsed.epochMs < EARLIEST_MS) return EARLIEST_TIME_KEY;
  if (parsed.epochMs >= LATEST_MS) return LATEST_TIME_KEY;
  return parsed.key;
}

/** Orders two parsed timestamps (negative: `a` is earlier), also outside the range of fixed-width keys. */
export function compareTimestamps(a: ParsedTimestamp, b: ParsedTimestamp): number {
  // Every key ends in nine fraction digits and `Z`; the last six are below the millisecond.
  const subMs = (p: ParsedTimestamp) => p.key.slice(-7, -1);
  return a.epochMs - b.epochMs || (subMs(a) < subMs(b) ? -1 : subMs(a) > subMs(b) ? 1 : 0);
}

/** Time key of an epoch-millisecond instant. */
export function timeKeyFromEpochMs(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2024-02-02T20:48:40.376Z
  return `${iso.slice(0, 23)}000000Z`;
}

/** Milliseconds since the epoch of a time key, rounded down (sub-ms digits dropped). */
export function epochMsOfTimeKey(key: string): number {
  return Date.parse(`${key.slice(0, 23)}Z`);
}

/** Whole seconds since the epoch of a time key, rounded down. */
export function epochSecondsOfTimeKey(key: string): number {
  return Math.floor(epochMsOfTimeKey(key) / 1000);
}

/** RFC 3339 text of a time key at second precision, rounded down (`2024-02-02T20:48:40Z`). */
export function isoSecondsOfTimeKey(key: string): string {
  return `${key.slice(0, 19)}Z`;
}

/** RFC 3339 text of a time key at second precision, rounded up. */
export function isoSecondsCeilOfTimeKey(key: string): string {
  if (/^\.0+Z$/.test(key.slice(19))) return isoSecondsOfTimeKey(key);
  return new Date((epochSecondsOfTimeKey(key) + 1) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Epoch ms of a time key rounded up: the smallest ms at or after it. */
export function epochMsCeilOfTimeKey(key: string): number {
  const floor = epochMsOfTimeKey(key);
  return /^0+$/.test(key.slice(23, 29)) ? floor : floor + 1;
}

/** The user-facing ISO form of a time key: the shortest of ms / µs / ns that loses nothing. */
export function isoOfTimeKey(key: string): string {
  const nanos = key.slice(20, 29);
  const trimmed = nanos.endsWith('000000') ? nanos.slice(0, 3) : nanos.endsWith('000') ? nanos.slice(0, 6) : nanos;
  return `${key.slice(0, 19)}.${trimmed}Z`;
}
