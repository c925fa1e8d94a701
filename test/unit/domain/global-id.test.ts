import fc from 'fast-check';
import { decodeGlobalId, encodeGlobalId, type GlobalIdTarget } from '../../../src/domain/global-id';

describe('global ids', () => {
  it('round-trips sources and events, any characters included', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const timeKey = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => `${new Date(ms).toISOString().slice(0, 23)}123456Z`);
    const target: fc.Arbitrary<GlobalIdTarget> = fc.oneof(
      fc.record({ type: fc.constant('Source' as const), sourceId: text }),
      fc.record({ type: fc.constant('AuditEvent' as const), sourceId: text, timeKey, nativeId: text }),
      fc.record({ type: fc.constant('User' as const), sourceId: text, userId: text.filter((t) => t !== '') }),
      fc.record({ type: fc.constant('Highlights' as const), sourceId: text, requestId: text.filter((t) => t !== '') }),
    );
    fc.assert(
      fc.property(target, (t) => {
        const id = encodeGlobalId(t);
        expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeGlobalId(id)).toEqual(t);
      }),
    );
  });

  it('gives the same event the same id, and different events different ids', () => {
    const event = { type: 'AuditEvent', sourceId: 'zendesk', timeKey: '2012-03-05T11:32:44.000000000Z', nativeId: '498483' } as const;
    expect(encodeGlobalId(event)).toBe(encodeGlobalId({ ...event }));
    expect(encodeGlobalId(event)).not.toBe(encodeGlobalId({ ...event, sourceId: 'zendesk-2' }));
    expect(encodeGlobalId(event)).not.toBe(encodeGlobalId({ ...event, nativeId: '498484' }));
    expect(encodeGlobalId({ type: 'Source', sourceId: 'zendesk' })).not.toBe(encodeGlobalId(event));
  });

  const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['spaces', 'abc def'],
    ['far too long', b64(['Source', 'x'.repeat(20_000)])],
    ['not JSON', b64('hello')],
    ['JSON object', b64({ type: 'Source', sourceId: 'x' })],
    ['unknown type', b64(['User', 'x'])],
    ['source with extra part', b64(['Source', 'x', 'y'])],
    ['source without id', b64(['Source'])],
    ['event with a bad time key', b64(['AuditEvent', 'zendesk', '2012-03-05T11:32:44Z', '1'])],
    ['event missing a part', b64(['AuditEvent', 'zendesk', '2012-03-05T11:32:44.000000000Z'])],
    // Forged times no provider would take: they must not reach one.
    ['event in month 13', b64(['AuditEvent', 'zendesk', '2012-13-05T11:32:44.000000000Z', '1'])],
    ['event on February 30', b64(['AuditEvent', 'zendesk', '2012-02-30T11:32:44.000000000Z', '1'])],
    ["event at 25 o'clock", b64(['AuditEvent', 'zendesk', '2012-03-05T25:32:44.000000000Z', '1'])],
    ['event before 1970', b64(['AuditEvent', 'losant', '1969-12-31T23:59:59.999000000Z', '1'])],
    ['non-string part', b64(['Source', 7])],
    ['user with an empty id', b64(['User', 'lr-web', ''])],
    ['highlights without a request id', b64(['Highlights', 'lr-web'])],
    ['a Relay-style id', Buffer.from('AuditEvent:123').toString('base64')],
  ])('rejects junk (%s) with null', (_name, id) => {
    expect(decodeGlobalId(id)).toBeNull();
  });
});
