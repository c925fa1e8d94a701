import fc from 'fast-check';
import { AuditGraphError } from '../../../src/errors';
import { MAX_UPSERT_BATCH, UsersService, validateUpsertUser } from '../../../src/services/users.service';
import { fakeClient, fakeSources, memoryCache, scopeOf, tick } from './logrocket-rest-fakes';

const TENANT = { id: 'acme', sourceIds: new Set(['lr-web', 'zendesk']) };

function errorOf(fn: () => unknown): AuditGraphError {
  try {
    fn();
  } catch (error) {
    return error as AuditGraphError;
  }
  throw new Error('did not throw');
}

describe('validateUpsertUser', () => {
  it('accepts strings of up to 1024 characters and refuses longer ones, counting code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1100 }), (text) => {
        const length = [...text].length;
        const input = { userId: 'u', name: text, traits: { t: text } };
        if (length <= 1024) expect(validateUpsertUser(input).body).toMatchObject({ name: text, traits: { t: text } });
        else expect(errorOf(() => validateUpsertUser(input)).extensions.field).toBe('name');
      }),
      { numRuns: 60 },
    );
  });

  it('sends integers and booleans as they are, and reports the user with string traits', () => {
    const prepared = validateUpsertUser({ userId: 'u', traits: { n: 7, b: true, s: 'x', gone: '' } });
    expect({ ...prepared.body.traits }).toEqual({ n: 7, b: true, s: 'x', gone: '' });
    expect({ ...prepared.requested.traits }).toEqual({ n: '7', b: 'true', s: 'x' });
  });

  it.each([
    ['a blank userId', { userId: '   ' }, 'userId'],
    ['an email without a dot in the domain', { userId: 'u', email: 'a@b' }, 'email'],
    ['an email with a space', { userId: 'u', email: 'a b@example.com' }, 'email'],
    ['an integer beyond 2^53', { userId: 'u', traits: { big: 2 ** 60 } }, 'traits.big'],
    ['an empty trait name', { userId: 'u', traits: { '': 'x' } }, 'traits'],
    ['a trait name over 1024 characters', { userId: 'u', traits: { ['k'.repeat(1025)]: 'x' } }, 'traits'],
  ])('refuses %s, naming the field', (_name, input, field) => {
    const error = errorOf(() => validateUpsertUser(input));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe(field);
  });
});

describe('UsersService', () => {
  it('runs a batch with bounded concurrency', async () => {
    let active = 0;
    let peak = 0;
    const client = fakeClient('lr-web', {
      async upsertUser(userId: string) {
        active += 1;
        peak = Math.max(peak, active);
        await tick(5);
        active -= 1;
        return { userId, name: null, email: null, traits: {} };
      },
    });
    const service = new UsersService({ sources: fakeSources([client]), cache: memoryCache(), concurrency: 3 });
    const results = await service.upsertUsers(
      scopeOf(TENANT),
      Array.from({ length: 20 }, (_, i) => ({ userId: `u-${i}` })),
    );
    expect(results.map((r) => r.user?.userId)).toEqual(Array.from({ length: 20 }, (_, i) => `u-${i}`));
    expect(peak).toBe(3);
  });

  it('masks unexpected errors of one input, quoting the request id, and keeps the others', async () => {
    const client = fakeClient('lr-web', {
      async upsertUser(userId: string) {
        if (userId === 'boom') throw new TypeError('secret internals');
        return { userId, name: null, email: null, traits: {} };
      },
    });
    const service = new UsersService({ sources: fakeSources([client]), cache: memoryCache() });
    const [ok, boom] = await service.upsertUsers(scopeOf(TENANT, 'req-42-abcdef'), [{ userId: 'fine' }, { userId: 'boom' }]);
    expect(ok!.user!.userId).toBe('fine');
    expect(boom!.error).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      message: expect.stringContaining('req-42-abcdef'),
      field: null,
      source: null,
    });
    expect(boom!.error!.message).not.toContain('secret');
  });

  it(`refuses more than ${MAX_UPSERT_BATCH} inputs before any call`, async () => {
    const upsertUser = jest.fn();
    const service = new UsersService({ sources: fakeSources([fakeClient('lr-web', { upsertUser })]), cache: memoryCache() });
    await expect(
      service.upsertUsers(
        scopeOf(TENANT),
        Array.from({ length: MAX_UPSERT_BATCH + 1 }, () => ({ userId: 'u' })),
      ),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(upsertUser).not.toHaveBeenCalled();
  });

  it('caches upserted users per tenant and source', async () => {
    const client = fakeClient('lr-web', { upsertUser: async (userId: string) => ({ userId, name: 'N', email: null, traits: { a: '1' } }) });
    const cache = memoryCache();
    const service = new UsersService({ sources: fakeSources([client]), cache });
    await service.upsertUser(scopeOf(TENANT), { userId: 'cached' });
    expect(await service.cachedUser(scopeOf(TENANT), 'lr-web', 'cached')).toMatchObject({
      sourceId: 'lr-web',
      userId: 'cached',
      name: 'N',
    });
    expect(await service.cachedUser(scopeOf({ id: 'beta', sourceIds: new Set(['lr-web']) }), 'lr-web', 'cached')).toBeNull();
    expect(await service.cachedUser(scopeOf({ id: 'acme', sourceIds: new Set(['zendesk']) }), 'lr-web', 'cached')).toBeNull();
    for (const key of cache.entries.keys()) expect(key).toMatch(/^users:acme:lr-web:/);
  });
});
