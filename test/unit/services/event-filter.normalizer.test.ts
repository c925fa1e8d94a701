import { AuditGraphError } from '../../../src/errors';
import { bindingDigest } from '../../../src/paging/cursor-codec';
import { parseTimestamp } from '../../../src/paging/time-key';
import { MAX_FILTER_VALUE_LENGTH, normalizeEventFilter, type EventFilterInput } from '../../../src/services/event-filter.normalizer';

const at = (iso: string) => parseTimestamp(iso)!;

function rejection(input: EventFilterInput): AuditGraphError {
  try {
    normalizeEventFilter(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AuditGraphError);
    return error as AuditGraphError;
  }
  throw new Error('accepted');
}

describe('normalizeEventFilter', () => {
  it('treats no filter, and nulls, as matching everything', () => {
    expect(normalizeEventFilter(undefined)).toEqual({});
    expect(normalizeEventFilter(null)).toEqual({});
    expect(normalizeEventFilter({ actions: null, occurredAfter: null, ipAddresses: undefined })).toEqual({});
  });

  it('turns times into time keys, whatever offset they were given in', () => {
    expect(normalizeEventFilter({ occurredAfter: at('2024-02-02T21:48:40.5+01:00'), occurredBefore: at('2024-02-03T00:00:00Z') })).toEqual({
      occurredAfter: '2024-02-02T20:48:40.500000000Z',
      occurredBefore: '2024-02-03T00:00:00.000000000Z',
    });
  });

  it('rejects occurredAfter at or after occurredBefore, even when written in other offsets', () => {
    for (const [after, before] of [
      ['2024-02-02T20:00:00Z', '2024-02-02T20:00:00Z'],
      ['2024-02-02T20:00:00.000000001Z', '2024-02-02T20:00:00Z'],
      ['2024-02-02T21:00:00+01:00', '2024-02-02T20:00:00Z'],
    ]) {
      const error = rejection({ occurredAfter: at(after), occurredBefore: at(before) });
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/occurredAfter.*earlier than.*occurredBefore/);
    }
    expect(() =>
      normalizeEventFilter({ occurredAfter: at('2024-02-02T20:00:00Z'), occurredBefore: at('2024-02-02T20:00:00.000000001Z') }),
    ).not.toThrow();
  });

  it.each(['actions', 'actorIds', 'actorTypes', 'targetTypes', 'targetIds', 'ipAddresses'] as const)(
    'rejects an empty %s list, saying to omit it',
    (field) => {
      const error = rejection({ [field]: [] });
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toContain(`filter.${field}`);
      expect(error.message).toMatch(/omit it/);
      expect(error.extensions.field).toBe(`filter.${field}`);
    },
  );

  it('rejects more than 100 values in a list', () => {
    const values = Array.from({ length: 101 }, (_, i) => `a${i}`);
    expect(rejection({ actorIds: values }).message).toMatch(/at most 100/);
    expect(() => normalizeEventFilter({ actorIds: values.slice(1) })).not.toThrow();
  });

  it('sorts and dedupes lists so that equal filters bind cursors equally', () => {
    const a = normalizeEventFilter({
      actions: ['update', 'create', 'update'],
      actorTypes: ['USER', 'API_KEY'],
      ipAddresses: ['10.0.0.2', '10.0.0.1'],
    });
    const b = normalizeEventFilter({
      ipAddresses: ['10.0.0.1', '10.0.0.2', '10.0.0.1'],
      actorTypes: ['API_KEY', 'USER', 'USER'],
      actions: ['create', 'update'],
    });
    expect(a).toEqual({ actions: ['create', 'update'], actorTypes: ['API_KEY', 'USER'], ipAddresses: ['10.0.0.1', '10.0.0.2'] });
    expect(b).toEqual(a);
    const binding = (filter: unknown) => bindingDigest({ tenantId: 't', sourceIds: ['s'], filter, order: 'NEWEST_FIRST' });
    expect(binding(a)).toBe(binding(b));
    expect(binding(normalizeEventFilter({ actions: ['create'] }))).not.toBe(binding(a));
  });

  it('clamps times to what every provider can be asked about: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z', () => {
    expect(
      normalizeEventFilter({ occurredAfter: at('0001-01-01T00:00:00Z'), occurredBefore: at('9999-12-31T23:59:59.999999999Z') }),
    ).toEqual({
      occurredAfter: '1970-01-01T00:00:00.000000000Z',
      occurredBefore: '9999-12-31T23:59:59.000000000Z',
    });
    // Offsets that leave the four-digit years: no fixed-width key, clamped on the instant.
    expect(
      normalizeEventFilter({ occurredAfter: at('0000-01-01T00:00:00+14:00'), occurredBefore: at('9999-12-31T23:59:59-12:00') }),
    ).toEqual({
      occurredAfter: '1970-01-01T00:00:00.000000000Z',
      occurredBefore: '9999-12-31T23:59:59.000000000Z',
    });
    expect(normalizeEventFilter({ occurredBefore: at('1969-12-31T23:59:59.999999999Z') })).toEqual({
      occurredBefore: '1970-01-01T00:00:00.000000000Z',
    });
    expect(normalizeEventFilter({ occurredAfter: at('1970-01-01T00:00:00Z') })).toEqual({
      occurredAfter: '1970-01-01T00:00:00.000000000Z',
    });
    expect(normalizeEventFilter({ occurredAfter: at('9999-12-31T23:59:58.5Z') })).toEqual({
      occurredAfter: '9999-12-31T23:59:58.500000000Z',
    });
  });

  it('orders the bounds as given, so a range clamped to one instant is empty rather than refused', () => {
    expect(normalizeEventFilter({ occurredAfter: at('1900-01-01T00:00:00Z'), occurredBefore: at('1950-01-01T00:00:00Z') })).toEqual({
      occurredAfter: '1970-01-01T00:00:00.000000000Z',
      occurredBefore: '1970-01-01T00:00:00.000000000Z',
    });
    // In year 10000 and before year 0000 keys lose their width; the order is the instants'.
    expect(normalizeEventFilter({ occurredAfter: at('9999-12-31T23:59:59Z'), occurredBefore: at('9999-12-31T23:59:59-05:00') })).toEqual({
      occurredAfter: '9999-12-31T23:59:59.000000000Z',
      occurredBefore: '9999-12-31T23:59:59.000000000Z',
    });
    expect(() =>
      normalizeEventFilter({ occurredAfter: at('0000-01-01T00:00:00+01:00'), occurredBefore: at('0000-01-01T00:00:00Z') }),
    ).not.toThrow();
    expect(rejection({ occurredAfter: at('9999-12-31T23:59:59-05:00'), occurredBefore: at('9999-12-31T23:59:59-04:00') }).message).toMatch(
      /earlier than/,
    );
    expect(
      rejection({ occurredAfter: at('0001-01-01T00:00:00.000000002Z'), occurredBefore: at('0001-01-01T00:00:00.000000001Z') }).message,
    ).toMatch(/earlier than/);
  });

  it('refuses a value longer than 1,024 characters, naming the field', () => {
    const error = rejection({ ipAddresses: ['10.0.0.1', 'x'.repeat(MAX_FILTER_VALUE_LENGTH + 1)] });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('filter.ipAddresses');
    expect(error.message).toMatch(/filter\.ipAddresses.*longer than 1024 characters/);
    expect(() => normalizeEventFilter({ actorIds: ['x'.repeat(MAX_FILTER_VALUE_LENGTH)] })).not.toThrow();
  });

  it('does not change the caller’s lists', () => {
    const actions = ['update', 'create'];
    normalizeEventFilter({ actions });
    expect(actions).toEqual(['update', 'create']);
  });
});
