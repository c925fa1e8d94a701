import type { Fault } from '../../src/simulators/simulator.types';
import { KEYS, startHarness, type GraphQLResponse, type Harness } from '../support/gateway-harness';
import { breakerChanges, captureLogs } from '../support/log-capture';

const SOURCES = ['logrocket', 'zendesk', 'losant', 'nirvana'] as const;
const PAGE = `query Page($sources: [String!], $order: AuditEventOrder) {
  auditEvents(sources: $sources, first: 20, order: $order) { edges { cursor node { id occurredAt action } } pageInfo { hasNextPage endCursor } }
}`;

/** Posts a query and hangs up after `afterMs`, as a closed tab or a router navigation does. */
async function hangUp(url: string, variables: Record<string, unknown>, afterMs: number): Promise<'hung up' | 'answered'> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), afterMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.acme}` },
      body: JSON.stringify({ query: PAGE, variables }),
      signal: controller.signal,
    });
    await response.text();
    return 'answered';
  } catch {
    return 'hung up';
  } finally {
    clearTimeout(timer);
  }
}

describe('clients that hang up', () => {
  let harness: Harness;
  const { logger, lines } = captureLogs('info');
  const slow: Fault = { latencyMs: 150 };

  beforeAll(async () => {
    harness = await startHarness({
      seed: 41,
      count: 300,
      // The default breaker (5 consecutive failures, 30 s) and retries: what production runs.
      tuning: { retries: 2, timeoutMs: 10_000, breakerFailures: 5, breakerResetMs: 30_000 },
      gateway: { logger },
    });
  });
  afterAll(() => harness.close());

  afterEach(() => {
    for (const id of SOURCES) harness.sims[id].clearFaults();
  });

  it('cost nothing but their own work: 50 hang-ups across sources open no breaker and fail nobody', async () => {
    // Warm keep-alive connections, so every hang-up below reaches the gateway before it hangs up.
    await Promise.all(Array.from({ length: 50 }, () => harness.gql('{ sources { name } }')));
    for (const id of SOURCES) harness.sims[id].injectFault(slow);
    const shapes = [
      ...SOURCES.map((id) => ({ sources: [id] })),
      ...SOURCES.map((id) => ({ sources: [id], order: 'OLDEST_FIRST' })),
      { sources: [...SOURCES] },
    ];
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => hangUp(harness.url, shapes[i % shapes.length], 20 + (i % 5) * 10)),
    );
    expect(outcomes.filter((o) => o === 'hung up')).toHaveLength(50);
    // Let the cancelled work unwind.
    await new Promise((r) => setTimeout(r, 400));
    for (const id of SOURCES) harness.sims[id].clearFaults();

    for (const id of SOURCES) {
      const page = await harness.gql(PAGE, { sources: [id] });
      expect(page.errors).toBeUndefined();
      expect(page.data!.auditEvents.edges).toHaveLength(20);
    }
    const metrics = await (await fetch(harness.metricsUrl)).text();
    expect(metrics).toMatch(/auditgraph_http_request_duration_seconds/);
    // The breaker gauge is only ever set on a state change: no line means it never moved.
    expect(metrics).not.toMatch(/auditgraph_circuit_breaker_state\{/);
    expect(breakerChanges(lines)).toEqual([]);
    const aborted = lines.filter((l) => l.msg === 'graphql request' && l.outcome === 'client_abort');
    expect(aborted).toHaveLength(50);
    expect(aborted.every((l) => l.status === 499)).toBe(true);
    // No contract error code was logged for them: a hang-up is not an upstream timeout.
    expect(lines.filter((l) => l.code === 'UPSTREAM_TIMEOUT' || l.code === 'UPSTREAM_UNAVAILABLE')).toEqual([]);
  });

  it('do not cancel an upstream read that another request shares', async () => {
    for (const id of SOURCES) harness.sims[id].injectFault(slow);
    const before = new Map(SOURCES.map((id) => [id, harness.sims[id].requests.length]));
    // Each pair asks for the same first page; the first of each pair hangs up while the read runs.
    const results = await Promise.all(
      SOURCES.flatMap((id) => [
        hangUp(harness.url, { sources: [id], order: 'OLDEST_FIRST' }, 60),
        new Promise((r) => setTimeout(r, 10)).then(() => harness.gql(PAGE, { sources: [id], order: 'OLDEST_FIRST' })),
      ]),
    );
    for (let i = 0; i < SOURCES.length; i++) {
      expect(results[2 * i]).toBe('hung up');
      const kept = results[2 * i + 1] as GraphQLResponse<any>;
      expect(kept.errors).toBeUndefined();
      expect(kept.data!.auditEvents.edges).toHaveLength(20);
    }
    // The survivor rode on the read the first request started: no second read of the same page.
    for (const id of SOURCES) {
      const made = harness.sims[id].requests.slice(before.get(id)!);
      const distinct = new Set(made.map((r) => `${r.path}?${r.query.toString()}`));
      expect(made.length).toBe(distinct.size);
    }
  });
});
