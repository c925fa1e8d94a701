import { AuditGraphError } from '../../../src/errors';
import { parsePageRequest, type ConnectionArgs } from '../../../src/paging/connection-args';

function rejection(args: ConnectionArgs): AuditGraphError {
  try {
    parsePageRequest(args);
  } catch (error) {
    expect(error).toBeInstanceOf(AuditGraphError);
    return error as AuditGraphError;
  }
  throw new Error(`accepted ${JSON.stringify(args)}`);
}

describe('parsePageRequest', () => {
  it('defaults to 20 forward when no size is given', () => {
    expect(parsePageRequest({})).toEqual({ direction: 'forward', size: 20, cursor: null });
    expect(parsePageRequest({ first: null, last: null, after: null, before: null })).toEqual({
      direction: 'forward',
      size: 20,
      cursor: null,
    });
    expect(parsePageRequest({ after: 'c1' })).toEqual({ direction: 'forward', size: 20, cursor: 'c1' });
  });

  it('pages forward with first/after and backward with last/before', () => {
    expect(parsePageRequest({ first: 5, after: 'c1' })).toEqual({ direction: 'forward', size: 5, cursor: 'c1' });
    expect(parsePageRequest({ last: 7, before: 'c2' })).toEqual({ direction: 'backward', size: 7, cursor: 'c2' });
    expect(parsePageRequest({ last: 7 })).toEqual({ direction: 'backward', size: 7, cursor: null });
    expect(parsePageRequest({ before: 'c2' })).toEqual({ direction: 'backward', size: 20, cursor: 'c2' });
  });

  it('allows 0 and 100, the bounds', () => {
    expect(parsePageRequest({ first: 0 }).size).toBe(0);
    expect(parsePageRequest({ last: 0 }).size).toBe(0);
    expect(parsePageRequest({ first: 100 }).size).toBe(100);
    expect(parsePageRequest({ last: 100, before: 'c' }).size).toBe(100);
  });

  it('honours custom limits', () => {
    expect(parsePageRequest({}, { defaultSize: 3, maxSize: 10 }).size).toBe(3);
    expect(() => parsePageRequest({ first: 11 }, { defaultSize: 3, maxSize: 10 })).toThrow(/at most 10/);
  });

  it.each<[string, ConnectionArgs, RegExp]>([
    ['first with last', { first: 1, last: 1 }, /either `first`.*or `last`.*not both/],
    ['after with before', { after: 'a', before: 'b' }, /either `after`.*or `before`.*not both/],
    ['first with before', { first: 1, before: 'b' }, /`first` pages forward and takes `after`.*use `last`/],
    ['last with after', { last: 1, after: 'a' }, /`last` pages backward and takes `before`.*use `first`/],
    ['negative first', { first: -1 }, /`first` must be a non-negative integer \(got -1\)/],
    ['negative last', { last: -5, before: 'b' }, /`last` must be a non-negative integer \(got -5\)/],
    ['fractional first', { first: 2.5 }, /`first` must be a non-negative integer \(got 2\.5\)/],
    ['NaN last', { last: Number.NaN }, /`last` must be a non-negative integer/],
    ['infinite first', { first: Number.POSITIVE_INFINITY }, /`first` must be a non-negative integer/],
    ['first over 100', { first: 101 }, /`first` may be at most 100 \(got 101\)/],
    ['last over 100', { last: 1000 }, /`last` may be at most 100 \(got 1000\)/],
  ])('rejects %s with BAD_USER_INPUT stating the rule', (_name, args, message) => {
    const error = rejection(args);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
  });
});
