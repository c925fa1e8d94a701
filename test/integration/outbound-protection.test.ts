import { startHarness, type Harness } from '../support/gateway-harness';

const Q = `query Q($source: String!, $filter: AuditEventFilter) { auditEvents(sources: [$source], first: 5, filter: $filter) { edges { node { nativeId } } } }`;

describe('circuit breaker', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 61, count: 40, tuning: { retries: 0, breakerFailures: 2, breakerResetMs: 400 } });
  });
  afterAll(() => harness.close());

  it('opens after repeated failures, answers fast without calling the provider, and recovers through a probe', async () => {
    const nirvana = harness.sims.nirvana;
    nirvana.injectFault({ status: 502 });
    for (let i = 0; i < 2; i++) {
      const r = await harness.gql(Q, { source: 'nirvana' });
      expect(r.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'nirvana' });
    }
    nirvana.resetRequests();
    const fast = await harness.gql(Q, { source: 'nirvana' });
    expect(fast.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'nirvana', retryAfter: 1 });
    expect(fast.errors![0].message).toMatch(/stopped calling it/);
    expect(nirvana.requests).toHaveLength(0);
    // Other sources are unaffected.
    expect((await harness.gql(Q, { source: 'zendesk' })).errors).toBeUndefined();

    nirvana.clearFaults();
    await new Promise((r) => setTimeout(r, 450));
    const probe = await harness.gql(Q, { source: 'nirvana' });
    expect(probe.errors).toBeUndefined();
    expect(probe.data!.auditEvents.edges).toHaveLength(5);
    expect(nirvana.requests).toHaveLength(1);
  });
});

describe('one breaker per source, whatever the endpoint', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 63, count: 20, tuning: { retries: 0, breakerFailures: 2, breakerResetMs: 60_000 } });
  });
  afterAll(() => harness.close());

  it('a LogRocket audit log that keeps failing also stops user upserts to the same account', async () => {
    harness.sims.logrocket.injectFault({ status: 503 });
    for (let i = 0; i < 2; i++) await harness.gql(Q, { source: 'logrocket' });
    harness.sims.logrocket.resetRequests();
    const upsert = await harness.gql('mutation { upsertUser(input: { source: "logrocket", userId: "u-1", name: "Ada" }) { userId } }');
    expect(upsert.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'logrocket' });
    expect(harness.sims.logrocket.requests).toHaveLength(0);
  });
});

describe('outbound rate limit', () => {
  let harness: Harness;
  beforeAll(async () => {
    // 60 per minute: a burst of 6, then one a second, queueing at most 2 s.
    harness = await startHarness({ seed: 62, count: 40, tuning: { requestsPerMinute: 60 }, gateway: { pageCache: false } });
  });
  afterAll(() => harness.close());

  it('keeps Zendesk under its budget: queues briefly, then fails with UPSTREAM_RATE_LIMITED', async () => {
    harness.sims.zendesk.resetRequests();
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 14 }, (_, i) => harness.gql(Q, { source: 'zendesk', filter: { actorIds: [String(1000 + i)] } })),
    );
    const elapsed = Date.now() - started;
    const ok = responses.filter((r) => !r.errors);
    const limited = responses.filter((r) => r.errors?.[0].extensions?.code === 'UPSTREAM_RATE_LIMITED');
    expect(ok.length + limited.length).toBe(14);
    expect(ok.length).toBeGreaterThanOrEqual(6);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].errors![0].extensions).toMatchObject({ source: 'zendesk' });
    expect(harness.sims.zendesk.requests.length).toBe(ok.length);
    // Nobody waited much longer than the 2 s queue.
    expect(elapsed).toBeLessThan(5_000);
  });
});
