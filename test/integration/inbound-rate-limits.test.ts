import { KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { startTestRedis, type TestRedis } from '../support/redis-server';

const Q = '{ sources { name } }';

describe('inbound rate limits per tenant', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 81, count: 20, limits: { requestsPerMinute: 5, costPerMinute: 4 } });
  });
  afterAll(() => harness.close());

  it('answers 429 with Retry-After once a tenant sent its requests for the minute, and only for that tenant', async () => {
    for (let i = 0; i < 5; i++) expect((await harness.gql(Q, {}, KEYS.beta)).status).toBe(200);
    const refused = await harness.gql(Q, {}, KEYS.beta);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    // Another tenant still has its own budget.
    expect((await harness.gql(Q, {}, KEYS.acme)).status).toBe(200);
  });

  it('charges operation cost, variables included, and refuses past the budget with 429', async () => {
    const page = 'query P($n: Int) { auditEvents(sources: ["nirvana"], first: $n) { totalCount edges { node { nativeId action } } } }';
    const first = await harness.gql(page, { n: 100 }, KEYS.acme); // cost ceil(101 / 100) native pages + 1 count = 3
    expect(first.errors).toBeUndefined();
    harness.sims.nirvana.resetRequests();
    const second = await harness.gql(page, { n: 100 }, KEYS.acme);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(second.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(second.errors![0].extensions).not.toHaveProperty('http');
    expect(harness.sims.nirvana.requests).toHaveLength(0);
  });
});

describe('inbound rate limits shared through Redis', () => {
  let redis: TestRedis | null;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('two instances draw from one budget', async () => {
    if (!redis) return;
    const a = await startHarness({ seed: 82, count: 20, cacheUrl: redis.url, limits: { requestsPerMinute: 4 } });
    const b = await startHarness({ sims: a.sims, cacheUrl: redis.url, limits: { requestsPerMinute: 4 } });
    try {
      const statuses = [];
      for (const h of [a, b, a, b, a, b]) statuses.push((await h.gql(Q, {}, KEYS.beta)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
