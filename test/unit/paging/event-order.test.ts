import fc from 'fast-check';
import { compareCodePoints, compareInDirection, compareKeys, compareTimeInDirection, type EventKey } from '../../../src/paging/event-order';

/** Reference: compare by the sequence of Unicode code points. */
function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

const tricky = fc.constantFrom('a', 'b', 'Z', '0', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}');
const trickyString = fc.array(tricky, { maxLength: 5 }).map((chars) => chars.join(''));

describe('compareCodePoints', () => {
  it('orders an astral character after every BMP character, unlike JavaScript <', () => {
    expect('\u{1F600}' < '\uFFFF').toBe(true); // UTF-16 code units: 0xD83D < 0xFFFF
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0);
    expect(compareCodePoints('\uFFFF', '\u{1F600}')).toBeLessThan(0);
    expect(compareCodePoints('x\u{1F600}', 'x\uE000')).toBeGreaterThan(0);
    expect(compareCodePoints('\u{10000}', '\u{1F600}')).toBeLessThan(0);
  });

  it('orders prefixes first and equal strings as equal', () => {
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'ab')).toBeGreaterThan(0);
    expect(compareCodePoints('\u{1F600}', '\u{1F600}')).toBe(0);
    expect(compareCodePoints('', '')).toBe(0);
  });

  it('agrees in sign with a code point comparison for any strings', () => {
    fc.assert(
      fc.property(trickyString, trickyString, (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byCodePoints(a, b)));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byCodePoints(a, b)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('compareKeys / compareInDirection', () => {
  const key = (timeKey: string, sourceId: string, nativeId: string): EventKey => ({ timeKey, sourceId, nativeId });
  const t1 = '2024-02-02T20:48:40.376000000Z';
  const t2 = '2024-02-02T20:48:40.376852000Z';

  it('orders by time first, then source name, then native id, by code point', () => {
    const keys = [
      key(t2, 'a', '1'),
      key(t1, 'zendesk', 'z'),
      key(t1, 'losant', '\u{1F600}'),
      key(t1, 'losant', '\uFFFF'),
      key(t1, 'losant', 'b'),
      key(t1, 'lr-web', 'a'),
    ];
    expect([...keys].sort(compareKeys)).toEqual([
      key(t1, 'losant', 'b'),
      key(t1, 'losant', '\uFFFF'),
      key(t1, 'losant', '\u{1F600}'),
      key(t1, 'lr-web', 'a'),
      key(t1, 'zendesk', 'z'),
      key(t2, 'a', '1'),
    ]);
  });

  it('NEWEST_FIRST is the exact reverse of OLDEST_FIRST, ties included', () => {
    const keyArb = fc.record({
      timeKey: fc.constantFrom(t1, t2, '2023-12-31T23:59:59.999999999Z'),
      sourceId: fc.constantFrom('lr-web', 'losant', 'zendesk'),
      nativeId: trickyString,
    });
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 30 }), (keys) => {
        const asc = [...keys].sort((a, b) => compareInDirection('ASC', a, b));
        const desc = [...keys].sort((a, b) => compareInDirection('DESC', a, b));
        expect(desc).toEqual([...asc].reverse());
        for (let i = 1; i < asc.length; i++) {
          const [a, b] = [asc[i - 1], asc[i]];
          const rank =
            a.timeKey !== b.timeKey
              ? a.timeKey < b.timeKey
                ? -1
                : 1
              : byCodePoints(a.sourceId, b.sourceId) || byCodePoints(a.nativeId, b.nativeId);
          expect(rank).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it('compareTimeInDirection puts earlier times first ascending and later times first descending', () => {
    expect(compareTimeInDirection('ASC', t1, t2)).toBeLessThan(0);
    expect(compareTimeInDirection('DESC', t1, t2)).toBeGreaterThan(0);
    expect(compareTimeInDirection('DESC', t2, t2)).toBe(0);
  });
});
