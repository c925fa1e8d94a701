import { startHarness, type Harness } from '../support/gateway-harness';

const Q = `query Q($source: String!) { auditEvents(sources: [$source], first: 5) { edges { node { nativeId } } } }`;
const SOURCES = ['logrocket', 'zendesk', 'losant', 'nirvana'] as const;

/** Every credential the simulators accept: none may ever appear in a response. */
function secretsOf(harness: Harness): string[] {
  const { logrocket, zendesk, losant, nirvana } = harness.sims;
  return [
    logrocket.apiKey,
    zendesk.apiToken,
    zendesk.oauthToken,
    losant.apiToken,
    nirvana.apiKey,
    Buffer.from(`${zendesk.email}/token:${zendesk.apiToken}`).toString('base64'),
  ];
}

describe('upstream faults become typed errors naming the source', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 5, count: 80, tuning: { retries: 0, timeoutMs: 400 } });
  });
  afterAll(() => harness.close());
  afterEach(() => {
    for (const source of SOURCES) harness.sims[source].clearFaults();
  });

  it.each(
    SOURCES.flatMap(
      (source) =>
        [
          [source, { status: 503 }, 'UPSTREAM_UNAVAILABLE'],
          [source, { status: 500 }, 'UPSTREAM_UNAVAILABLE'],
          [source, { malformed: true }, 'UPSTREAM_BAD_RESPONSE'],
          [source, { drop: true }, 'UPSTREAM_UNAVAILABLE'],
          [source, { latencyMs: 1500 }, 'UPSTREAM_TIMEOUT'],
        ] as const,
    ),
  )('%s with %j → %s', async (source, fault, expected) => {
    harness.sims[source].injectFault(fault);
    const response = await harness.gql(Q, { source });
    expect(response.status).toBe(200);
    expect(response.data).toBeNull();
    const error = response.errors![0];
    expect(error.extensions).toMatchObject({ code: expected, source });
    expect(error.message).toContain(source);
    const text = JSON.stringify(response);
    for (const secret of secretsOf(harness)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/stack|at .*\.ts:\d+|127\.0\.0\.1/);
  });

  it('reports rejected credentials as UPSTREAM_AUTH_FAILED without echoing them', async () => {
    const { startHarness: start } = await import('../support/gateway-harness');
    const broken = await start({ seed: 5, count: 20 });
    try {
      // Rebuild the gateway config with a wrong key for one source.
      const { createGateway } = await import('../../src/gateway');
      const { harnessConfig } = await import('../support/gateway-harness');
      const { silentLogger } = await import('../../src/logging/logger');
      const config = harnessConfig(broken.sims);
      const nirvana = config.sources.find((s) => s.id === 'nirvana')!;
      (nirvana as { apiKey: string }).apiKey = 'canary-wrong-key-5f2a';
      const gateway = await createGateway(config, { logger: silentLogger() });
      const url = await gateway.listen();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer acme-key-0123456789' },
        body: JSON.stringify({ query: Q, variables: { source: 'nirvana' } }),
      });
      const body = await response.text();
      await gateway.close();
      expect(JSON.parse(body).errors[0].extensions).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', source: 'nirvana' });
      expect(body).not.toContain('canary-wrong-key-5f2a');
    } finally {
      await broken.close();
    }
  });
});

describe('retries', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 6, count: 40, tuning: { retries: 2, timeoutMs: 2000 } });
  });
  afterAll(() => harness.close());

  it.each(SOURCES)('%s: two 503s in a row are retried transparently', async (source) => {
    harness.sims[source].injectFault({ status: 503, times: 2 });
    harness.sims[source].resetRequests();
    const response = await harness.gql(Q, { source });
    expect(response.errors).toBeUndefined();
    expect(response.data!.auditEvents.edges).toHaveLength(5);
    expect(harness.sims[source].requests.length).toBeGreaterThanOrEqual(3);
  });

  it.each(SOURCES)('%s: a 429 is retried after its Retry-After', async (source) => {
    harness.sims[source].injectFault({ rateLimited: { retryAfterSeconds: 1 }, times: 1 });
    const started = Date.now();
    const response = await harness.gql(Q, { source });
    expect(response.errors).toBeUndefined();
    expect(response.data!.auditEvents.edges).toHaveLength(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

// A long Retry-After pauses the whole source (its budget honours the provider): each case runs
// on a source no other case of its gateway reads afterwards.
describe('a Retry-After longer than the request can wait', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ seed: 6, count: 40, tuning: { retries: 0, timeoutMs: 400 } });
  });
  afterAll(() => harness.close());

  it.each(SOURCES)(
    '%s: fails fast as UPSTREAM_RATE_LIMITED with retryAfter, naming the source, and holds the source back',
    async (source) => {
      harness.sims[source].injectFault({ rateLimited: { retryAfterSeconds: 120 }, times: 1 });
      const started = Date.now();
      const response = await harness.gql(Q, { source });
      expect(response.data).toBeNull();
      expect(response.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source, retryAfter: 120 });
      expect(response.errors![0].message).toContain(source);
      expect(Date.now() - started).toBeLessThan(5000);
      const text = JSON.stringify(response);
      for (const secret of secretsOf(harness)) expect(text).not.toContain(secret);
      // The next request is refused at once without calling the provider while the pause lasts.
      const before = harness.sims[source].requests.length;
      const again = await harness.gql(Q, { source });
      expect(again.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source });
      expect(harness.sims[source].requests.length).toBe(before);
    },
  );
});
