import fc from 'fast-check';
import {
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
