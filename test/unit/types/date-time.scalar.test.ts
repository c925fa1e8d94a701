import fc from 'fast-check';
import { GraphQLError, Kind } from 'graphql';
import { parseTimestamp } from '../../../src/paging/time-key';
import { DateTimeScalar } from '../../../src/types/date-time.scalar';

function inputError(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('accepted');
}

describe('DateTime scalar', () => {
  it('serialises provider timestamps in UTC at their full precision', () => {
    expect(DateTimeScalar.serialize('2024-02-02T20:48:40.376852Z')).toBe('2024-02-02T20:48:40.376852Z');
    expect(DateTimeScalar.serialize('2024-02-02T21:48:40.376852+01:00')).toBe('2024-02-02T20:48:40.376852Z');
    expect(DateTimeScalar.serialize(parseTimestamp('2012-03-05T11:32:44Z'))).toBe('2012-03-05T11:32:44Z');
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2024, 0, 1)))).toBe('2024-01-01T00:00:00.000Z');
  });

  it('serialises any provider time, UTC or offset, exactly as normalising it would', () => {
    const times = fc.record({
      ms: fc.integer({ min: Date.UTC(101, 0, 1), max: Date.UTC(9998, 11, 31) }),
      fraction: fc.stringMatching(/^\d{0,9}$/),
      offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -14 * 60, max: 14 * 60 })),
    });
    fc.assert(
      fc.property(times, ({ ms, fraction, offsetMinutes }) => {
        const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        const zone =
          offsetMinutes === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const text = `${local}${fraction ? `.${fraction}` : ''}${zone}`;
        const normalised = parseTimestamp(text)!.iso;
        expect(DateTimeScalar.serialize(text)).toBe(normalised);
        expect(DateTimeScalar.serialize(normalised)).toBe(normalised);
      }),
    );
  });

  it('parses variables and literals with any offset into UTC time keys', () => {
    expect(DateTimeScalar.parseValue('2024-02-02T21:48:40.376852+01:00')).toMatchObject({ key: '2024-02-02T20:48:40.376852000Z' });
    expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2024-02-02T20:48:40.123456789Z' }, {})).toMatchObject({
      key: '2024-02-02T20:48:40.123456789Z',
    });
  });

  it.each(['2024-02-02T20:48:40', '2024-02-30T00:00:00Z', 'yesterday', ''])('rejects %j with BAD_USER_INPUT and an example', (value) => {
    const error = inputError(() => DateTimeScalar.parseValue(value));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/time zone/);
    expect(error.message).toContain('2024-02-02T20:48:40Z');
  });

  it('rejects non-string input', () => {
    expect(inputError(() => DateTimeScalar.parseValue(1706906920376)).extensions.code).toBe('BAD_USER_INPUT');
    expect(inputError(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1706906920376' }, {})).extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(() => DateTimeScalar.serialize(42)).toThrow(GraphQLError);
  });
});
