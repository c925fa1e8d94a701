import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { AuditGraphError } from '../../../src/errors';
import { bindingDigest, CursorCodec, cursorKeyId, type CursorPayload } from '../../../src/paging/cursor-codec';

const SECRET = 'unit-test-secret';
const BINDING = 'AbCdEfGhIjKlMnOp';
const PAYLOAD: CursorPayload = { b: BINDING, k: ['2024-02-02T20:48:40.376852000Z', 'lr-web', 'lr_abc'] };
/** Cursors already in clients' hands: a format change must be deliberate, so this is pinned. */
const PAYLOAD_CURSOR =
  'KrxA4d.eyJiIjoiQWJDZEVmR2hJaktsTW5PcCIsImsiOlsiMjAyNC0wMi0wMlQyMDo0ODo0MC4zNzY4NTIwMDBaIiwibHItd2ViIiwibHJfYWJjIl19.m9_zjLx7-CUpFQfS4d8g3A';
const START_CURSOR = 'KrxA4d.eyJiIjoiQWJDZEVmR2hJaktsTW5PcCIsImsiOm51bGx9.Vro10qkwcfYIHL_SKkENxA';

const codec = new CursorCodec(SECRET);

/** Signs any body with the real secret, to build cursors whose MAC is valid but content is not. */
function signed(body: unknown, secret = SECRET): string {
  const text = `${cursorKeyId(secret)}.${Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8').toString('base64url')}`;
  const mac = createHmac('sha256', secret).update(text).digest().subarray(0, 16).toString('base64url');
  return `${text}.${mac}`;
}

function decodeError(cursor: string, binding = BINDING): AuditGraphError {
  try {
    codec.decode(cursor, binding);
  } catch (error) {
    expect(error).toBeInstanceOf(AuditGraphError);
    return error as AuditGraphError;
  }
  throw new Error(`cursor was accepted: ${cursor}`);
}

function expectInvalid(cursor: string, binding = BINDING): void {
  const error = decodeError(cursor, binding);
  expect(error.code).toBe('INVALID_CURSOR');
  expect(error.extensions.code).toBe('INVALID_CURSOR');
  expect(error.message).toMatch(/cursor/i);
}

/** Replaces the character at `index` with another base64url character. */
function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

describe('CursorCodec', () => {
  it('encodes a fixed payload with a fixed secret to a pinned string', () => {
    expect(codec.encode(PAYLOAD)).toBe(PAYLOAD_CURSOR);
    expect(codec.encode({ b: BINDING, k: null })).toBe(START_CURSOR);
    expect(signed(PAYLOAD)).toBe(PAYLOAD_CURSOR);
  });

  it('signs every payload exactly as HMAC-SHA256 truncated to 16 bytes, base64url (what outstanding cursors carry)', () => {
    const key = fc.tuple(
      fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true }),
      fc.string(),
      fc.string({ unit: 'binary' }),
    );
    fc.assert(
      fc.property(key, fc.string({ minLength: 1 }), (k, secret) => {
        const [time, sourceId, nativeId] = k;
        const payload: CursorPayload = { b: BINDING, k: [`${time.toISOString().slice(0, 23)}000000Z`, sourceId, nativeId] };
        const ours = new CursorCodec(secret);
        expect(ours.encode(payload)).toBe(signed(payload, secret));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes what it encoded, hints included', () => {
    expect(codec.decode(PAYLOAD_CURSOR, BINDING)).toEqual(PAYLOAD);
    expect(codec.decode(START_CURSOR, BINDING)).toEqual({ b: BINDING, k: null });
    const withHints: CursorPayload = {
      b: BINDING,
      k: ['2024-02-02T20:48:40.376852000Z', 'lr-web', '\u{1F600}"quoted"'],
      s: {
        'lr-web': { w: 3_600_000, lo: '2024-01-01T00:00:00.000000000Z', t: { d: 'D', s: 1_706_906_920_000 } },
        losant: {
          k: ['2024-02-02T20:48:40.000000000Z', 'losant', 'abc'],
          t: { d: 'A', a: '2024-02-02T20:48:40.000000000Z', x: 1, c: 'next' },
        },
        zendesk: { k: null },
      },
      r: 'walk_1-A',
    };
    expect(codec.decode(codec.encode(withHints), BINDING)).toEqual(withHints);
  });

  it('cursors are URL-safe: no +, / or = padding', () => {
    const cursor = codec.encode({ b: BINDING, k: ['2024-02-02T20:48:40.376852000Z', 'src', '???>>>~~~\u{1F600}'] });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('rejects a flipped character anywhere in the key id or the payload', () => {
    const dot = PAYLOAD_CURSOR.lastIndexOf('.');
    for (let i = 0; i < dot; i += 5) if (PAYLOAD_CURSOR[i] !== '.') expectInvalid(flip(PAYLOAD_CURSOR, i));
  });

  it('rejects a flipped character in the MAC', () => {
    const dot = PAYLOAD_CURSOR.lastIndexOf('.');
    for (let i = dot + 1; i < PAYLOAD_CURSOR.length - 1; i += 3) expectInvalid(flip(PAYLOAD_CURSOR, i));
  });

  it('keeps accepting cursors of a previous secret after rotation, and signs new ones with the current', () => {
    const rotated = new CursorCodec({ current: 'the-new-secret', previous: [SECRET] });
    expect(rotated.decode(PAYLOAD_CURSOR, BINDING)).toEqual(PAYLOAD);
    const fresh = rotated.encode(PAYLOAD);
    expect(fresh.startsWith(`${cursorKeyId('the-new-secret')}.`)).toBe(true);
    expect(() => codec.decode(fresh, BINDING)).toThrow(AuditGraphError);
    // Once the old secret is retired, its cursors stop working.
    const retired = new CursorCodec('the-new-secret');
    expect(() => retired.decode(PAYLOAD_CURSOR, BINDING)).toThrow(/unknown or retired key/);
  });

  // Node's base64url decoder ignores the unused low bits of the last character and skips characters
  // outside the alphabet, so these altered strings decode to the same 16 MAC bytes and are accepted.
  it('rejects a cursor whose MAC text was altered in ways base64url decoding ignores', () => {
    expect(PAYLOAD_CURSOR.endsWith('3A')).toBe(true);
    expect(Buffer.from('3B', 'base64url')).toEqual(Buffer.from('3A', 'base64url'));
    expectInvalid(`${PAYLOAD_CURSOR.slice(0, -1)}B`); // same top bits, different unused bits
    expectInvalid(`${PAYLOAD_CURSOR}!`);
    expectInvalid(`${PAYLOAD_CURSOR}=`);
  });

  it('rejects a cursor signed with another secret', () => {
    expectInvalid(new CursorCodec('another-secret').encode(PAYLOAD));
    expectInvalid(signed(PAYLOAD, 'another-secret'));
  });

  it('rejects a cursor made for another binding, saying why', () => {
    const error = decodeError(PAYLOAD_CURSOR, 'XXXXXXXXXXXXXXXX');
    expect(error.code).toBe('INVALID_CURSOR');
    expect(error.message).toMatch(/different tenant, sources, filter or order/);
  });

  it.each([
    ['empty', ''],
    ['no dot', PAYLOAD_CURSOR.replace(/\./g, '')],
    ['one dot', PAYLOAD_CURSOR.slice(PAYLOAD_CURSOR.indexOf('.') + 1)],
    ['three dots', `${PAYLOAD_CURSOR}.x`],
    ['dot first', `.${PAYLOAD_CURSOR.split('.').slice(1).join('.')}`],
    ['empty MAC', `${PAYLOAD_CURSOR.split('.').slice(0, 2).join('.')}.`],
    ['not base64', 'KrxA4d.!!!!.????'],
    ['random text', 'hello world'],
    ['a number', '12345'],
    ['too long', `KrxA4d.${'A'.repeat(8200)}.${'A'.repeat(22)}`],
  ])('rejects a malformed cursor (%s)', (_name, cursor) => {
    expectInvalid(cursor);
  });

  it('rejects a cursor longer than 8192 characters even when correctly signed', () => {
    const long = codec.encode({ b: BINDING, k: ['2024-02-02T20:48:40.376852000Z', 'lr-web', 'x'.repeat(7000)] });
    expect(long.length).toBeGreaterThan(8192);
    expectInvalid(long);
  });

  it.each([
    ['not JSON', 'not json at all'],
    ['JSON array', [BINDING, null]],
    ['JSON null', null],
    ['JSON string', 'k'],
    ['no binding', { k: null }],
    ['binding not a string', { b: 42, k: null }],
    ['no position', { b: BINDING }],
    ['position of two parts', { b: BINDING, k: ['2024-02-02T20:48:40.376852000Z', 'lr-web'] }],
    ['position with a number', { b: BINDING, k: ['2024-02-02T20:48:40.376852000Z', 'lr-web', 7] }],
    ['position as object', { b: BINDING, k: { t: '2024-02-02T20:48:40.376852000Z' } }],
    ['time key without nanoseconds', { b: BINDING, k: ['2024-02-02T20:48:40.376Z', 'lr-web', 'x'] }],
    ['time key with an offset', { b: BINDING, k: ['2024-02-02T20:48:40.376852000+01:00', 'lr-web', 'x'] }],
    ['time key garbage', { b: BINDING, k: ['yesterday', 'lr-web', 'x'] }],
    ['hints not an object', { b: BINDING, k: null, s: ['lr-web'] }],
    ['hint with unknown key', { b: BINDING, k: null, s: { 'lr-web': { evil: 1 } } }],
    ['hint window negative', { b: BINDING, k: null, s: { 'lr-web': { w: -5 } } }],
    ['hint window fractional', { b: BINDING, k: null, s: { 'lr-web': { w: 1.5 } } }],
    ['hint oldest not a time key', { b: BINDING, k: null, s: { 'lr-web': { lo: '2024' } } }],
    ['hint position of two parts', { b: BINDING, k: null, s: { 'lr-web': { k: ['2024-02-02T20:48:40.376852000Z', 'a'] } } }],
    ['hint position with bad time key', { b: BINDING, k: null, s: { 'lr-web': { k: ['2024-02-02', 'lr-web', 'a'] } } }],
    ['token of unknown direction', { b: BINDING, k: null, s: { 'lr-web': { t: { d: 'X' } } } }],
    ['token with bad anchor', { b: BINDING, k: null, s: { 'lr-web': { t: { d: 'A', a: 'soon' } } } }],
    ['token with unknown key', { b: BINDING, k: null, s: { 'lr-web': { t: { d: 'A', evil: 1 } } } }],
    ['unknown top-level key', { b: BINDING, k: null, extra: 1 }],
    ['walk id with bad characters', { b: BINDING, k: null, r: 'a b' }],
  ])('rejects a correctly signed payload of the wrong shape (%s)', (_name, body) => {
    expectInvalid(signed(body));
  });

  it('refuses an empty secret', () => {
    expect(() => new CursorCodec('')).toThrow();
  });
});

describe('bindingDigest', () => {
  const base = {
    tenantId: 'acme',
    sourceIds: ['zendesk', 'losant', 'lr-web'],
    filter: { actions: ['create', 'update'], occurredAfter: '2024-01-01T00:00:00.000000000Z' },
    order: 'NEWEST_FIRST',
  };

  it('is pinned, so outstanding cursors survive a release', () => {
    expect(bindingDigest({ tenantId: 'acme', sourceIds: ['zendesk'], filter: {}, order: 'NEWEST_FIRST' })).toBe('aCqw1HZZVoqL3fK2');
  });

  it('ignores the order of sources and of filter keys', () => {
    const digest = bindingDigest(base);
    expect(bindingDigest({ ...base, sourceIds: ['lr-web', 'zendesk', 'losant'] })).toBe(digest);
    expect(bindingDigest({ ...base, filter: { occurredAfter: '2024-01-01T00:00:00.000000000Z', actions: ['create', 'update'] } })).toBe(
      digest,
    );
    expect(bindingDigest({ ...base, filter: { ...base.filter, actorIds: undefined } })).toBe(digest);
  });

  it('differs for another tenant, order, sources or filter', () => {
    const digest = bindingDigest(base);
    const variants = [
      { ...base, tenantId: 'other' },
      { ...base, order: 'OLDEST_FIRST' },
      { ...base, sourceIds: ['zendesk', 'losant'] },
      { ...base, filter: { ...base.filter, actions: ['create'] } },
      { ...base, filter: { ...base.filter, occurredAfter: '2024-01-01T00:00:00.000000001Z' } },
      { ...base, filter: { ...base.filter, actorIds: ['1'] } },
      { ...base, filter: {} },
      { ...base, filter: null },
    ];
    const digests = variants.map(bindingDigest);
    for (const d of digests) expect(d).not.toBe(digest);
    expect(new Set(digests).size).toBe(variants.length);
  });

  it('cannot be confused by a tenant id that looks like JSON', () => {
    expect(bindingDigest({ ...base, tenantId: 'a","s":["x' })).not.toBe(bindingDigest({ ...base, tenantId: 'a' }));
  });

  describe('sealed tokens of other kinds', () => {
    it('open only in their own domain, survive a rotation, and never open as cursors', () => {
      const old = new CursorCodec('old-secret-0123456789-0123456789-01');
      const token = old.seal('kind-a', { n: 1, s: 'x' });
      expect(old.open('kind-a', token)).toEqual({ n: 1, s: 'x' });
      expect(old.open('kind-b', token)).toBeNull();
      const rotated = new CursorCodec({
        current: 'new-secret-0123456789-0123456789-01',
        previous: ['old-secret-0123456789-0123456789-01'],
      });
      expect(rotated.open('kind-a', token)).toEqual({ n: 1, s: 'x' });
      expect(new CursorCodec('new-secret-0123456789-0123456789-01').open('kind-a', token)).toBeNull();
      expect(() => old.decode(token, 'x')).toThrow();
      const cursor = old.encode({ b: 'x', k: null });
      expect(old.open('kind-a', cursor)).toBeNull();
      const [kid, body, mac] = token.split('.');
      expect(old.open('kind-a', `${kid}.${body}x.${mac}`)).toBeNull();
    });
  });
});
