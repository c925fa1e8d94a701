import { encodeGlobalId } from '../../src/domain/global-id';
import { REST_KEYS, restRequests, startRestHarness, type RestHarness } from '../support/logrocket-rest-harness';

const UPSERT = `mutation U($input: UpsertUserInput!) {
  upsertUser(input: $input) { id userId name email traits source { name provider } }
}`;
const UPSERT_MANY = `mutation M($inputs: [UpsertUserInput!]!) {
  upsertUsers(inputs: $inputs) { user { userId traits source { name } } error { code message field source } }
}`;

describe('upsertUser / upsertUsers over the LogRocket simulator', () => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.web.resetRequests();
    h.mobile.resetRequests();
    h.web.clearFaults();
  });

  it('sends the PUT with timestamp from seenAt and answers every trait as a string', async () => {
    const response = await h.gql(UPSERT, {
      input: {
        userId: 'u-1',
        name: 'Jane Doe',
        email: 'jane@example.com',
        seenAt: '2024-02-02T21:48:40.376+01:00',
        traits: { plan: 'pro', seats: 43, admin: true },
      },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.upsertUser).toEqual({
      id: encodeGlobalId({ type: 'User', sourceId: 'lr-web', userId: 'u-1' }),
      userId: 'u-1',
      name: 'Jane Doe',
      email: 'jane@example.com',
      traits: { plan: 'pro', seats: '43', admin: 'true' },
      source: { name: 'lr-web', provider: 'LOGROCKET' },
    });
    const [put] = restRequests(h.web, '/users/', 'PUT');
    expect(put!.path).toBe('/v1/orgs/demo-org/apps/web/users/u-1');
    expect(put!.headers.authorization).toBe(`token ${h.web.apiKey}`);
    expect(JSON.parse(put!.body!)).toEqual({
      name: 'Jane Doe',
      email: 'jane@example.com',
      timestamp: Date.parse('2024-02-02T20:48:40.376Z'),
      traits: { plan: 'pro', seats: 43, admin: true },
    });
    expect(JSON.stringify(response.data)).not.toContain(h.web.apiKey);
  });

  it('keeps absent traits, updates present ones, and removes a trait set to ""', async () => {
    await h.gql(UPSERT, { input: { userId: 'u-merge', traits: { plan: 'free', team: 'red', seats: 1 } } });
    const second = await h.gql(UPSERT, { input: { userId: 'u-merge', traits: { plan: 'pro', team: '' } } });
    expect(second.data!.upsertUser.traits).toEqual({ plan: 'pro', seats: '1' });
    expect(h.web.users().find((u) => u.userID === 'u-merge')!.traits).toEqual({ plan: 'pro', seats: '1' });
  });

  it('escapes the user id in the path', async () => {
    const response = await h.gql(UPSERT, { input: { userId: 'team/42 ünïcode?' } });
    expect(response.data!.upsertUser.userId).toBe('team/42 ünïcode?');
    expect(restRequests(h.web, '/users/', 'PUT')[0]!.path).toBe(
      `/v1/orgs/demo-org/apps/web/users/${encodeURIComponent('team/42 ünïcode?')}`,
    );
  });

  it('accepts exactly 1024 characters, counted as characters rather than UTF-16 units', async () => {
    const response = await h.gql(UPSERT, {
      input: { userId: '😀'.repeat(1024), name: 'n'.repeat(1024), traits: { bio: 'é'.repeat(1024) } },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.upsertUser.name).toHaveLength(1024);
  });

  it.each([
    ['an empty userId', { userId: '' }, 'userId'],
    ['a userId over 1024 characters', { userId: 'x'.repeat(1025) }, 'userId'],
    ['a name over 1024 characters', { userId: 'u', name: 'n'.repeat(1025) }, 'name'],
    ['an email over 1024 characters', { userId: 'u', email: `${'a'.repeat(1020)}@example.com` }, 'email'],
    ['an email that is not one', { userId: 'u', email: 'jane at example' }, 'email'],
    ['a trait value over 1024 characters', { userId: 'u', traits: { bio: 'b'.repeat(1025) } }, 'traits.bio'],
    ['a fractional trait value', { userId: 'u', traits: { score: 1.5 } }, 'traits.score'],
    ['an object trait value', { userId: 'u', traits: { address: { city: 'Oslo' } } }, 'traits.address'],
    ['a list trait value', { userId: 'u', traits: { tags: ['a'] } }, 'traits.tags'],
    ['a null trait value', { userId: 'u', traits: { gone: null } }, 'traits.gone'],
  ])('answers BAD_USER_INPUT naming the field for %s, without calling LogRocket', async (_name, input, field) => {
    const response = await h.gql(UPSERT, { input });
    expect(response.data).toBeNull();
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.errors![0]!.message).toContain(field.split('.')[0]);
    expect(h.web.requests).toHaveLength(0);
  });

  describe('source', () => {
    it('is required when the tenant reads several LogRocket sources', async () => {
      const response = await h.gql(UPSERT, { input: { userId: 'u' } }, REST_KEYS.multi);
      expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source' });
      expect(response.errors![0]!.message).toContain('"lr-mobile"');
      const named = await h.gql(UPSERT, { input: { userId: 'u-m', source: 'lr-mobile' } }, REST_KEYS.multi);
      expect(named.data!.upsertUser.source.name).toBe('lr-mobile');
      expect(h.mobile.users().map((u) => u.userID)).toContain('u-m');
    });

    it('answers unknown and ungranted sources alike', async () => {
      const unknown = await h.gql(UPSERT, { input: { userId: 'u', source: 'lr-nope' } }, REST_KEYS.other);
      const ungranted = await h.gql(UPSERT, { input: { userId: 'u', source: 'lr-mobile' } }, REST_KEYS.other);
      expect(unknown.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(ungranted.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(ungranted.errors![0]!.message).toBe(unknown.errors![0]!.message.replace('lr-nope', 'lr-mobile'));
      expect(h.mobile.requests).toHaveLength(0);
    });

    it('answers UNSUPPORTED_BY_SOURCE for a source of another provider', async () => {
      const response = await h.gql(UPSERT, { input: { userId: 'u', source: 'zendesk' } });
      expect(response.errors![0]!.extensions).toMatchObject({ code: 'UNSUPPORTED_BY_SOURCE', source: 'zendesk' });
    });

    it('answers BAD_USER_INPUT when the tenant reads no LogRocket source', async () => {
      const response = await h.gql(UPSERT, { input: { userId: 'u' } }, REST_KEYS.none);
      expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source' });
    });
  });

  describe('upsertUsers', () => {
    it('answers one result per input in input order; bad inputs fail alone and are never sent', async () => {
      const response = await h.gql(UPSERT_MANY, {
        inputs: [
          { userId: 'b-1', traits: { n: 1 } },
          { userId: 'b-2', email: 'not-an-email' },
          { userId: 'b-3', traits: { n: 3 } },
          { userId: 'b-4', source: 'zendesk' },
          { userId: 'b-5', traits: { n: 5.5 } },
          { userId: 'b-6' },
        ],
      });
      expect(response.errors).toBeUndefined();
      const results = response.data!.upsertUsers;
      expect(results.map((r: any) => r.user?.userId ?? r.error.code)).toEqual([
        'b-1',
        'BAD_USER_INPUT',
        'b-3',
        'UNSUPPORTED_BY_SOURCE',
        'BAD_USER_INPUT',
        'b-6',
      ]);
      expect(results[1].error).toMatchObject({ field: 'email', source: null });
      expect(results[4].error.field).toBe('traits.n');
      expect(results[0]).toEqual({ user: { userId: 'b-1', traits: { n: '1' }, source: { name: 'lr-web' } }, error: null });
      const sent = restRequests(h.web, '/users/', 'PUT').map((r) => decodeURIComponent(r.path.split('/').pop()!));
      expect(sent.sort()).toEqual(['b-1', 'b-3', 'b-6']);
    });

    it('reports an upstream failure on the input it hit, naming the source', async () => {
      h.web.injectFault({ status: 503, pathIncludes: '/users/broken' });
      const response = await h.gql(UPSERT_MANY, { inputs: [{ userId: 'ok-1' }, { userId: 'broken' }, { userId: 'ok-2' }] });
      const results = response.data!.upsertUsers;
      expect(results[0].user.userId).toBe('ok-1');
      expect(results[1].error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'lr-web', field: null });
      expect(results[1].error.message).toContain('lr-web');
      expect(results[2].user.userId).toBe('ok-2');
    });

    it('sends inputs for the same user in input order', async () => {
      const inputs = Array.from({ length: 12 }, (_, i) => ({ userId: 'same', traits: { step: i } }));
      const response = await h.gql(UPSERT_MANY, { inputs });
      expect(response.data!.upsertUsers.map((r: any) => r.user.traits.step)).toEqual(inputs.map((_, i) => String(i)));
      expect(h.web.users().find((u) => u.userID === 'same')!.traits.step).toBe('11');
    });

    it('takes 500 inputs and refuses 501 before calling LogRocket', async () => {
      const many = (n: number) => Array.from({ length: n }, (_, i) => ({ userId: `bulk-${i}` }));
      const refused = await h.gql(UPSERT_MANY, { inputs: many(501) });
      expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
      expect(refused.errors![0]!.message).toContain('500');
      expect(h.web.requests).toHaveLength(0);
      const accepted = await h.gql(UPSERT_MANY, { inputs: many(500) });
      expect(accepted.data!.upsertUsers.filter((r: any) => r.user !== null)).toHaveLength(500);
      expect(restRequests(h.web, '/users/', 'PUT')).toHaveLength(500);
    });
  });

  describe('node(id)', () => {
    const NODE = 'query N($id: ID!) { node(id: $id) { id ... on User { userId traits source { name } } } }';

    it('finds a user this tenant upserted, from the cache, without calling LogRocket', async () => {
      const upserted = await h.gql(UPSERT, { input: { userId: 'node-user', traits: { plan: 'team' } } });
      h.web.resetRequests();
      const found = await h.gql(NODE, { id: upserted.data!.upsertUser.id });
      expect(found.data!.node).toEqual({
        id: upserted.data!.upsertUser.id,
        userId: 'node-user',
        traits: { plan: 'team' },
        source: { name: 'lr-web' },
      });
      expect(h.web.requests).toHaveLength(0);
    });

    it('answers null for users never upserted here, and for other tenants', async () => {
      const upserted = await h.gql(UPSERT, { input: { userId: 'private-user' } });
      const asOther = await h.gql(NODE, { id: upserted.data!.upsertUser.id }, REST_KEYS.other);
      expect(asOther.data!.node).toBeNull();
      const asNone = await h.gql(NODE, { id: upserted.data!.upsertUser.id }, REST_KEYS.none);
      expect(asNone.data!.node).toBeNull();
      const unknown = await h.gql(NODE, { id: encodeGlobalId({ type: 'User', sourceId: 'lr-web', userId: 'never-seen' }) });
      expect(unknown.data!.node).toBeNull();
    });
  });
});

describe('upsertUser against the seed-003 shape (`userId` in the answer)', () => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness({ sim: { restShape: 'seed' } });
  });
  afterAll(() => h.close());

  it('reads `userId` as well as `userID`', async () => {
    const response = await h.gql(UPSERT, { input: { userId: 'seed-user', traits: { vip: false } } });
    expect(response.errors).toBeUndefined();
    expect(response.data!.upsertUser).toMatchObject({ userId: 'seed-user', traits: { vip: 'false' } });
  });
});

describe('the LogRocket simulator enforces what LogRocket enforces', () => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness();
  });
  afterAll(() => h.close());

  const put = (userId: string, body: unknown, key = h.web.apiKey) =>
    fetch(`${h.web.baseUrl}/v1/orgs/demo-org/apps/web/users/${encodeURIComponent(userId)}`, {
      method: 'PUT',
      headers: { authorization: `token ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it.each([
    ['a malformed body', '{"name":'],
    ['a value over 1024 characters', { name: 'n'.repeat(1025) }],
    ['a trait value over 1024 characters', { traits: { t: 't'.repeat(1025) } }],
    ['a fractional trait value', { traits: { t: 1.5 } }],
    ['an object trait value', { traits: { t: {} } }],
  ])('answers 400 with a text message for %s', async (_name, body) => {
    const response = await put('sim-user', body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('text/plain');
  });

  it('needs the API key', async () => {
    expect((await put('sim-user', {}, 'wrong')).status).toBe(401);
  });
});
