import fc from 'fast-check';
import {
  clampedTimeKey,
  compareTimestamps,
  EARLIEST_TIME_KEY,
  LATEST_TIME_KEY,
  epochMsCeilOfTimeKey,
  epochMsOfTimeKey,
  epochSecondsOfTimeKey,
  isoOfTimeKey,
  isoSecondsCeilOfTimeKey,
  isoSecondsOfTimeKey,
  parseTimestamp,
  timeKeyFromEpochMs,
} from '../../../src/paging/time-key';

describe('parseTimestamp', () => {
  it('normalises offsets to UTC and keeps the provider’s fraction digits in iso', () => {
    expect(parseTimestamp('2024-02-02T21:48:40.376852+01:00')).toEqual({
      iso: '2024-02-02T20:48:40.376852Z',
      key: '2024-02-02T20:48:40.376852000Z',
      epochMs: Date.UTC(2024, 1, 2, 20, 48, 40, 376),
    });
    expect(parseTimestamp('2012-03-05T11:32:44Z')?.iso).toBe('2012-03-05T11:32:44Z');
    expect(parseTimestamp('2016-06-13T04:00:00.000Z')?.iso).toBe('2016-06-13T04:00:00.000Z');
  });

  it.each([
    ['2024-03-01T00:30:00-05:30', '2024-03-01T06:00:00Z'],
    ['2024-03-01T01:00:00+02:00', '2024-02-29T23:00:00Z'],
    ['2023-03-01T01:00:00+0200', '2023-02-28T23:00:00Z'],
    ['2024-12-31T23:30:00-01', '2025-01-01T00:30:00Z'],
    ['2024-06-01T12:00:00-00:00', '2024-06-01T12:00:00Z'],
    ['2024-06-01t12:00:00z', '2024-06-01T12:00:00Z'],
    ['2024-06-01 12:00:00Z', '2024-06-01T12:00:00Z'],
    ['2024-06-01T12:00:00,5Z', '2024-06-01T12:00:00.5Z'],
    ['  2024-06-01T12:00:00Z  ', '2024-06-01T12:00:00Z'],
  ])('reads %s as %s', (input, iso) => {
    expect(parseTimestamp(input)?.iso).toBe(iso);
  });

  it.each([
    ['', '000000000'],
    ['.1', '100000000'],
    ['.12', '120000000'],
    ['.123', '123000000'],
    ['.1234', '123400000'],
    ['.12345', '123450000'],
    ['.123456', '123456000'],
    ['.1234567', '123456700'],
    ['.12345678', '123456780'],
    ['.123456789', '123456789'],
  ])('accepts %s as fraction and pads the key to nanoseconds', (fraction, nanos) => {
    const parsed = parseTimestamp(`2024-02-02T20:48:40${fraction}Z`);
    expect(parsed?.key).toBe(`2024-02-02T20:48:40.${nanos}Z`);
    expect(parsed?.iso).toBe(`2024-02-02T20:48:40${fraction}Z`);
    expect(parsed?.key).toHaveLength('2024-02-02T20:48:40.000000000Z'.length);
  });

  it('rounds epochMs down, never up', () => {
    expect(parseTimestamp('2024-02-02T20:48:40.999999999Z')?.epochMs).toBe(Date.UTC(2024, 1, 2, 20, 48, 40, 999));
    expect(parseTimestamp('1969-12-31T23:59:59.999500Z')?.epochMs).toBe(-1);
  });

  it.each([
    '2024-02-30T00:00:00Z', // no 30 February
    '2023-02-29T00:00:00Z', // not a leap year
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:60:00Z',
    '2024-01-01T00:00:60Z',
    '2024-01-01T00:00:00', // no zone
    '2024-01-01T00:00:00.123', // no zone
    '2024-01-01', // date only
    '2024-01-01T00:00Z', // no seconds
    '2024-01-01T00:00:00.1234567890Z', // 10 fraction digits
    '2024-01-01T00:00:00.Z',
    '2024-01-01T00:00:00+24:00',
    '2024-01-01T00:00:00+01:60',
    '2024-01-01T00:00:00+1',
    '2024-01-01T00:00:00 UTC',
    '1706906920376',
    'yesterday',
    '',
  ])('rejects %j', (input) => {
    expect(parseTimestamp(input)).toBeNull();
  });

  // Date.UTC maps years 0..99 to 1900..1999, so RFC 3339 years below 100 come back a century or more off.
  it('keeps years below 100 (e.g. the common 0001-01-01 sentinel) instead of moving them to the 1900s', () => {
    expect(parseTimestamp('0050-06-15T12:00:00Z')?.iso).toBe('0050-06-15T12:00:00Z');
    expect(parseTimestamp('0001-01-01T00:00:00Z')?.key).toBe('0001-01-01T00:00:00.000000000Z');
  });

  it('makes keys whose string order is time order across offsets and precisions', () => {
    const instant = fc.record({
      seconds: fc.integer({ min: 0, max: 4_000_000_000 }),
      nanos: fc.integer({ min: 0, max: 999_999_999 }),
      digits: fc.integer({ min: 0, max: 9 }),
      offsetMinutes: fc.integer({ min: -14 * 60, max: 14 * 60 }),
    });
    type Instant = { seconds: number; nanos: number; digits: number; offsetMinutes: number };
    // The same instant written in the given offset, its fraction truncated to `digits` digits.
    const text = (v: Instant) => {
      const local = new Date((v.seconds + v.offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
      const fraction = v.digits === 0 ? '' : `.${String(v.nanos).padStart(9, '0').slice(0, v.digits)}`;
      const abs = Math.abs(v.offsetMinutes);
      const zone =
        v.offsetMinutes === 0
          ? 'Z'
          : `${v.offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      return `${local}${fraction}${zone}`;
    };
    const truncatedNanos = (v: { nanos: number; digits: number }) =>
      v.digits === 0 ? 0 : Number(String(v.nanos).padStart(9, '0').slice(0, v.digits).padEnd(9, '0'));
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const ka = parseTimestamp(text(a))!.key;
        const kb = parseTimestamp(text(b))!.key;
        const expected = Math.sign(a.seconds - b.seconds) || Math.sign(truncatedNanos(a) - truncatedNanos(b));
        const actual = ka < kb ? -1 : ka > kb ? 1 : 0;
        expect(actual).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('epoch-ms helpers', () => {
  const key = '2024-02-02T20:48:40.376852000Z';
  const ms = Date.UTC(2024, 1, 2, 20, 48, 40, 376);

  it('converts between epoch ms and time keys', () => {
    expect(timeKeyFromEpochMs(ms)).toBe('2024-02-02T20:48:40.376000000Z');
    expect(epochMsOfTimeKey(key)).toBe(ms);
    expect(epochSecondsOfTimeKey(key)).toBe(Math.floor(ms / 1000));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (n) => {
        expect(epochMsOfTimeKey(timeKeyFromEpochMs(n))).toBe(n);
        expect(parseTimestamp(new Date(n).toISOString())!.key).toBe(timeKeyFromEpochMs(n));
      }),
    );
  });

  it('epochMsCeilOfTimeKey is the first whole millisecond at or after the key', () => {
    expect(epochMsCeilOfTimeKey(key)).toBe(ms + 1);
    expect(epochMsCeilOfTimeKey('2024-02-02T20:48:40.376000000Z')).toBe(ms);
    expect(epochMsCeilOfTimeKey('2024-02-02T20:48:40.376000001Z')).toBe(ms + 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 0, max: 999_999 }), (base, subMs) => {
        const k = `${timeKeyFromEpochMs(base).slice(0, 23)}${String(subMs).padStart(6, '0')}Z`;
        const ceil = epochMsCeilOfTimeKey(k);
        expect(timeKeyFromEpochMs(ceil) >= k).toBe(true);
        expect(timeKeyFromEpochMs(ceil - 1) < k).toBe(true);
      }),
    );
  });

  it('isoSecondsOfTimeKey floors and isoSecondsCeilOfTimeKey ceils to whole seconds', () => {
    expect(isoSecondsOfTimeKey(key)).toBe('2024-02-02T20:48:40Z');
    expect(isoSecondsCeilOfTimeKey(key)).toBe('2024-02-02T20:48:41Z');
    expect(isoSecondsCeilOfTimeKey('2024-02-02T20:48:40.000000000Z')).toBe('2024-02-02T20:48:40Z');
    expect(isoSecondsCeilOfTimeKey('2024-02-02T20:48:40.000000001Z')).toBe('2024-02-02T20:48:41Z');
    expect(isoSecondsCeilOfTimeKey('2024-12-31T23:59:59.500000000Z')).toBe('2025-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanos) => {
        const k = `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
        const floor = parseTimestamp(isoSecondsOfTimeKey(k))!.key;
        const ceil = parseTimestamp(isoSecondsCeilOfTimeKey(k))!.key;
        expect(floor <= k && k <= ceil).toBe(true);
        expect(Date.parse(isoSecondsCeilOfTimeKey(k)) - Date.parse(isoSecondsOfTimeKey(k))).toBe(nanos === 0 ? 0 : 1000);
      }),
    );
  });

  it('isoOfTimeKey shows the shortest of ms / µs / ns that loses nothing', () => {
    expect(isoOfTimeKey('2024-02-02T20:48:40.376000000Z')).toBe('2024-02-02T20:48:40.376Z');
    expect(isoOfTimeKey('2024-02-02T20:48:40.376852000Z')).toBe('2024-02-02T20:48:40.376852Z');
    expect(isoOfTimeKey('2024-02-02T20:48:40.376852001Z')).toBe('2024-02-02T20:48:40.376852001Z');
    expect(isoOfTimeKey('2024-02-02T20:48:40.000000000Z')).toBe('2024-02-02T20:48:40.000Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanos) => {
        const k = `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
        expect(parseTimestamp(isoOfTimeKey(k))!.key).toBe(k);
      }),
    );
  });
});

describe('clampedTimeKey and compareTimestamps: any DateTime text, however extreme', () => {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  /** Every text the DateTime scalar accepts (parseTimestamp not null), extreme years and offsets favoured, with its parts. */
  const dateTime = fc
    .record({
      year: fc.oneof(fc.constantFrom(0, 1, 99, 100, 1969, 1970, 9998, 9999), fc.integer({ min: 0, max: 9999 })),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      fraction: fc.option(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }))),
      zone: fc.oneof(
        fc.constantFrom('Z', 'z', '+14:00', '-12:00', '+23:59', '-23:59'),
        fc
          .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
          .map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`),
      ),
    })
    .map((v) => {
      const digits = v.fraction ? pad(v.fraction[1], 9).slice(0, v.fraction[0]) : '';
      const text = `${pad(v.year, 4)}-${pad(v.month, 2)}-${pad(v.day, 2)}T${pad(v.hour, 2)}:${pad(v.minute, 2)}:${pad(v.second, 2)}${digits ? `.${digits}` : ''}${v.zone}`;
      return { ...v, nanos: Number(digits.padEnd(9, '0')), text };
    })
    .filter(({ text }) => parseTimestamp(text) !== null);
  const dateTimeText = dateTime.map(({ text }) => text);

  /** Nanoseconds since the epoch of the parts, by civil-calendar arithmetic (days from civil, H. Hinnant), not by Date. */
  const instantOf = (v: {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    nanos: number;
    zone: string;
  }) => {
    const y = BigInt(v.month <= 2 ? v.year - 1 : v.year);
    const era = (y >= 0n ? y : y - 399n) / 400n;
    const yoe = y - era * 400n;
    const m = BigInt(v.month);
    const doy = (153n * (m > 2n ? m - 3n : m + 9n) + 2n) / 5n + BigInt(v.day) - 1n;
    const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
    const days = era * 146_097n + doe - 719_468n;
    const offset = /^[Zz]$/.test(v.zone)
      ? 0
      : (v.zone.startsWith('-') ? -1 : 1) * (Number(v.zone.slice(1, 3)) * 60 + Number(v.zone.slice(4, 6)));
    const seconds = days * 86_400n + BigInt(v.hour * 3600 + v.minute * 60 + v.second - offset * 60);
    return seconds * 1_000_000_000n + BigInt(v.nanos);
  };
  const KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
  const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

  it('gives a fixed-width key inside [EARLIEST_TIME_KEY, LATEST_TIME_KEY] that every provider format can carry', () => {
    expect(clampedTimeKey(parseTimestamp('2024-02-02T20:48:40.376852Z')!)).toBe('2024-02-02T20:48:40.376852000Z');
    expect(clampedTimeKey(parseTimestamp('0001-01-01T00:00:00Z')!)).toBe(EARLIEST_TIME_KEY);
    expect(clampedTimeKey(parseTimestamp('9999-12-31T23:59:59-01:00')!)).toBe(LATEST_TIME_KEY);
    fc.assert(
      fc.property(dateTimeText, (text) => {
        const key = clampedTimeKey(parseTimestamp(text)!);
        expect(key).toMatch(KEY);
        expect(key >= EARLIEST_TIME_KEY && key <= LATEST_TIME_KEY).toBe(true);
        // Losant's start/end and LogRocket's cursor: non-negative epoch ms; Zendesk and Nirvana: four-digit RFC 3339.
        expect(epochMsOfTimeKey(key)).toBeGreaterThanOrEqual(0);
        expect(epochMsCeilOfTimeKey(key)).toBeLessThanOrEqual(Date.UTC(9999, 11, 31, 23, 59, 59));
        expect(isoSecondsOfTimeKey(key)).toMatch(RFC3339_SECONDS);
        expect(isoSecondsCeilOfTimeKey(key)).toMatch(RFC3339_SECONDS);
      }),
      { numRuns: 1000 },
    );
  });

  it('orders timestamps as instants, also where keys are not fixed-width', () => {
    fc.assert(
      fc.property(dateTime, dateTime, (a, b) => {
        const expected = instantOf(a) < instantOf(b) ? -1 : instantOf(a) > instantOf(b) ? 1 : 0;
        expect(Math.sign(compareTimestamps(parseTimestamp(a.text)!, parseTimestamp(b.text)!))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
    expect(compareTimestamps(parseTimestamp('9999-12-31T23:59:59-01:00')!, parseTimestamp('9999-12-31T23:59:59Z')!)).toBeGreaterThan(0);
    expect(
      compareTimestamps(parseTimestamp('2024-01-01T00:00:00.0000001Z')!, parseTimestamp('2024-01-01T01:00:00.0000002+01:00')!),
    ).toBeLessThan(0);
    expect(compareTimestamps(parseTimestamp('2024-01-01T00:00:00.5Z')!, parseTimestamp('2024-01-01T01:00:00.500+01:00')!)).toBe(0);
  });
});
