import { startHarness, type Harness } from '../support/gateway-harness';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import type { UpstreamSample } from '../../src/datasources/http-client';

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

const FIRST_100 = `query F($source: String!) { auditEvents(sources: [$source], first: 100) { edges { node { nativeId } } } }`;
/** Default source tuning: the harness otherwise sets a huge cap, and no cap is the default now. */
const DEFAULT_BUDGET = { requestsPerMinute: undefined };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** A query of its own per caller, so no two share a page or a flight. */
const byActor = (source: string, i: number) => ({ source, filter: { actorIds: [String(1000 + i)] } });

describe('default outbound budgets serve legitimate traffic', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      seed: 64,
      count: 300,
      tuning: DEFAULT_BUDGET,
      zendeskRateLimitPerMinute: 700,
      gateway: { pageCache: false },
    });
  });
  afterAll(() => harness.close());

  it('does not space sequential Nirvana first pages of 100 (no documented limit, no cap)', async () => {
    const nirvana = harness.sims.nirvana;
    const direct: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await (await fetch(`${nirvana.baseUrl}/v1/audit_logs?limit=100`, { headers: { authorization: `Bearer ${nirvana.apiKey}` } })).text();
      direct.push(performance.now() - started);
    }
    nirvana.resetRequests();
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const response = await harness.gql(FIRST_100, { source: 'nirvana' });
      times.push(performance.now() - started);
      expect(response.errors).toBeUndefined();
    }
    process.stdout.write(
      `[outbound] 200 sequential Nirvana first pages of 100: median ${median(times).toFixed(1)} ms through the gateway, ${median(direct).toFixed(1)} ms direct\n`,
    );
    // Two native pages of 100 per first page of 100, back to back: 1,200 a minute used to space them 50 ms apart.
    expect(nirvana.requests).toHaveLength(400);
    expect(median(times)).toBeLessThan(20);
  });

  it('lets a burst of 40 concurrent Zendesk first pages through, well inside the account quota', async () => {
    const zendesk = harness.sims.zendesk;
    zendesk.resetRequests();
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => harness.gql(Q, byActor('zendesk', i))));
    process.stdout.write(
      `[outbound] 40 concurrent Zendesk first pages: ${responses.filter((r) => !r.errors).length} answered in ${Date.now() - started} ms\n`,
    );
    expect(responses.map((r) => r.errors?.[0].extensions?.code ?? 'ok')).toEqual(Array(40).fill('ok'));
    expect(zendesk.requests).toHaveLength(40);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('a Zendesk account whose quota others are spending', () => {
  // The simulator's clock stands still, so its quota window never resets during the test.
  const FROZEN = new Date('2025-03-01T12:00:10.000Z');
  let harness: Harness;
  const attempts: { at: number; status: UpstreamSample['status'] }[] = [];
  beforeAll(async () => {
    harness = await startHarness({
      seed: 65,
      count: 60,
      now: () => FROZEN,
      tuning: DEFAULT_BUDGET,
      zendeskRateLimitPerMinute: 700,
      gateway: {
        pageCache: false,
        requestTimeoutMs: 4_000,
        onUpstreamAttempt: ({ sourceId, status }) => sourceId === 'zendesk' && attempts.push({ at: Date.now(), status }),
      },
    });
  });
  afterAll(() => harness.close());

  /** Requests by the account's other clients, straight to Zendesk. */
  async function othersSpend(count: number): Promise<void> {
    const { zendesk } = harness.sims;
    const headers = { authorization: `Bearer ${zendesk.oauthToken}` };
    for (let i = 0; i < count; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, count - i) }, () =>
          fetch(`${zendesk.baseUrl}/api/v2/audit_logs?page[size]=1`, { headers }).then((r) => r.text()),
        ),
      );
    }
  }
  const remaining = () => harness.sims.zendesk.rateLimitPerMinute - harness.sims.zendesk.requests.length;

  it('spreads its calls once Zendesk reports the quota below half, and gets no 429', async () => {
    await othersSpend(400);
    expect((await harness.gql(Q, byActor('zendesk', 0))).errors).toBeUndefined();
    attempts.length = 0;
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => harness.gql(Q, byActor('zendesk', i + 1))));
    const elapsed = Date.now() - started;
    expect(responses.every((r) => !r.errors)).toBe(true);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    process.stdout.write(
      `[outbound] Zendesk at 299 of 700 left: 10 calls spread over ${elapsed} ms, gaps ${Math.min(...gaps)}–${Math.max(...gaps)} ms\n`,
    );
    // 229 spendable above the reserve of 70 over the ~60 s the gateway assumes are left: ~260 ms apart.
    expect(Math.min(...gaps)).toBeGreaterThan(150);
    expect(elapsed).toBeGreaterThan(1_800);
    expect(attempts.map((a) => a.status)).toEqual(Array(10).fill(200));
  });

  it('leaves the last 10% of the account to its other clients: refuses rather than spend it, never hitting a 429', async () => {
    await othersSpend(remaining() - 72);
    const codes: string[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 5; i++) {
      const response = await harness.gql(Q, byActor('zendesk', 20 + i));
      codes.push(response.errors?.[0].extensions?.code ?? 'ok');
      retryAfter = response.errors?.[0].extensions?.retryAfter ?? retryAfter;
    }
    // The first call cannot know what others spent; its answer says 71 left, so one more fits above the 70.
    expect(codes).toEqual(['ok', 'ok', 'UPSTREAM_RATE_LIMITED', 'UPSTREAM_RATE_LIMITED', 'UPSTREAM_RATE_LIMITED']);
    expect(retryAfter).toBeGreaterThan(4);
    expect(remaining()).toBe(70);
    expect(attempts.some((a) => a.status === 429)).toBe(false);
  });
});

describe("a provider's 429", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      seed: 67,
      count: 40,
      tuning: { ...DEFAULT_BUDGET, retries: 2 },
      gateway: { pageCache: false, requestTimeoutMs: 5_000 },
    });
  });
  afterAll(() => harness.close());

  it('pauses every call of the source until Retry-After; the waiting requests then succeed', async () => {
    const nirvana = harness.sims.nirvana;
    nirvana.injectFault({ rateLimited: { retryAfterSeconds: 2 }, times: 1 });
    nirvana.resetRequests();
    const started = Date.now();
    const first = harness.gql(Q, byActor('nirvana', 0));
    await new Promise((r) => setTimeout(r, 300));
    const during = nirvana.requests.length;
    const rest = await Promise.all(Array.from({ length: 3 }, (_, i) => harness.gql(Q, byActor('nirvana', i + 1))));
    const responses = [await first, ...rest];
    expect(responses.every((r) => !r.errors)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    // Nothing but the 429'd call reached Nirvana during the pause.
    expect(during).toBe(1);
    expect(nirvana.requests).toHaveLength(5);
  });

  it('fails a request at once with UPSTREAM_RATE_LIMITED and retryAfter when the pause outlasts its deadline', async () => {
    const losant = harness.sims.losant;
    losant.injectFault({ rateLimited: { retryAfterSeconds: 30 }, times: 1 });
    await harness.gql(Q, { source: 'losant' });
    losant.resetRequests();
    const started = Date.now();
    const response = await harness.gql(Q, byActor('losant', 1));
    expect(response.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source: 'losant' });
    expect(response.errors![0].extensions!.retryAfter).toBeGreaterThanOrEqual(29);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(losant.requests).toHaveLength(0);
  });
});

describe('a configured requestsPerMinute', () => {
  let harness: Harness;
  beforeAll(async () => {
    // 60 a minute: a burst of 6, then one a second; requests wait at most their 2.5 s deadline.
    harness = await startHarness({
      seed: 62,
      count: 40,
      tuning: { requestsPerMinute: 60 },
      gateway: { pageCache: false, requestTimeoutMs: 2_500 },
    });
  });
  afterAll(() => harness.close());

  it('still caps: a burst waits its turn within the deadline, the rest fail with UPSTREAM_RATE_LIMITED', async () => {
    harness.sims.zendesk.resetRequests();
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 14 }, (_, i) => harness.gql(Q, byActor('zendesk', i))));
    const elapsed = Date.now() - started;
    const ok = responses.filter((r) => !r.errors);
    const limited = responses.filter((r) => r.errors?.[0].extensions?.code === 'UPSTREAM_RATE_LIMITED');
    expect(ok.length + limited.length).toBe(14);
    // 6 at once, one at 1 s, one at 2 s; the next slot (3 s) is past the deadline.
    expect(ok.length).toBeLessThanOrEqual(8);
    expect(ok.length).toBeGreaterThanOrEqual(7);
    expect(limited[0]!.errors![0].extensions).toMatchObject({ source: 'zendesk' });
    expect(limited[0]!.errors![0].extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(harness.sims.zendesk.requests.length).toBe(ok.length);
    expect(elapsed).toBeLessThan(4_000);
  });
});

describe('two instances on one Redis', () => {
  let redis: TestRedis | null = null;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    redis = await startTestRedis();
    if (!redis) return;
    const options = {
      cacheUrl: redis.url,
      tuning: { requestsPerMinute: 60 },
      gateway: { pageCache: false as const, requestTimeoutMs: 2_500 },
    };
    a = await startHarness({ seed: 68, count: 40, ...options });
    b = await startHarness({ sims: a.sims, ...options });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('stay within one configured cap together', async () => {
    if (!redis) return;
    a.sims.nirvana.resetRequests();
    const responses = await Promise.all(Array.from({ length: 14 }, (_, i) => (i % 2 ? a : b).gql(Q, byActor('nirvana', i))));
    const ok = responses.filter((r) => !r.errors).length;
    process.stdout.write(`[outbound] two instances, cap 60/min, 7 concurrent each: ${ok} sent, ${14 - ok} refused\n`);
    // Alone, each instance would have sent all 7 (6 at once + 1 at 1 s).
    expect(ok).toBeLessThanOrEqual(8);
    expect(ok).toBeGreaterThanOrEqual(7);
    expect(a.sims.nirvana.requests).toHaveLength(ok);
  });

  it('both honour one 429 pause', async () => {
    if (!redis) return;
    const zendesk = a.sims.zendesk;
    zendesk.injectFault({ rateLimited: { retryAfterSeconds: 1 }, times: 1 });
    zendesk.resetRequests();
    const limited = await a.gql(Q, byActor('zendesk', 0));
    expect(limited.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 1 });
    // Instance a records the pause in Redis as the answer arrives, next to answering its client.
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const response = await b.gql(Q, byActor('zendesk', 1));
    expect(response.errors).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(zendesk.requests).toHaveLength(2);
  });
});
