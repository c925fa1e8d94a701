import { KEYS, startHarness, type Harness } from '../support/gateway-harness';
import { captureLogs } from '../support/log-capture';

describe('observability', () => {
  let harness: Harness;
  const { logger, lines } = captureLogs('info');
  beforeAll(async () => {
    harness = await startHarness({
      seed: 95,
      count: 60,
      tuning: { retries: 0, breakerFailures: 1, breakerResetMs: 60_000 },
      limits: { requestsPerMinute: 1000 },
      gateway: { logger },
    });
  });
  afterAll(() => harness.close());

  it('logs one JSON line per GraphQL request with request id, tenant, operation and upstream calls per source', async () => {
    const response = await harness.gql(
      'query RecentZendesk { auditEvents(sources: ["zendesk", "nirvana"], first: 3) { edges { cursor } } }',
    );
    const requestId = response.headers.get('x-request-id');
    const line = lines.find((l) => l.requestId === requestId && l.msg === 'graphql request');
    expect(line).toMatchObject({ tenant: 'acme', operation: 'RecentZendesk', status: 200, service: 'auditgraph' });
    expect(line!.upstream.zendesk.calls).toBeGreaterThanOrEqual(1);
    expect(line!.upstream.nirvana.calls).toBeGreaterThanOrEqual(1);
    expect(typeof line!.ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain(KEYS.acme);
  });

  it('serves Prometheus metrics: request latency, upstream latency and errors, cache, breaker, rate limits', async () => {
    const first = await harness.gql('{ auditEvents(sources: ["losant"], first: 2) { pageInfo { endCursor } } }');
    const after = first.data!.auditEvents.pageInfo.endCursor;
    await harness.gql('query N($a: String) { auditEvents(sources: ["losant"], first: 2, after: $a) { edges { cursor } } }', { a: after });
    harness.sims.nirvana.injectFault({ status: 503 });
    await harness.gql('{ auditEvents(sources: ["nirvana"], first: 2) { edges { cursor } } }');
    harness.sims.nirvana.clearFaults();
    // On the metrics listener: the public port answers 404 for /metrics (test/security).
    const response = await fetch(harness.metricsUrl);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/auditgraph_http_request_duration_seconds_bucket\{[^}]*route="\/graphql"[^}]*status="200"/);
    expect(text).toMatch(/auditgraph_upstream_request_duration_seconds_count\{source="losant",status="200"\} [1-9]/);
    expect(text).toMatch(/auditgraph_upstream_errors_total\{source="nirvana",status="503"\} 1/);
    expect(text).toMatch(/auditgraph_page_cache_requests_total\{result="hit"\} [1-9]/);
    expect(text).toMatch(/auditgraph_page_cache_requests_total\{result="miss"\} [1-9]/);
    expect(text).toMatch(/auditgraph_circuit_breaker_state\{source="nirvana"\} 2/);
    expect(text).toMatch(/auditgraph_process_resident_memory_bytes \d+/);
    expect(text).not.toContain('acme');
    expect(lines.some((l) => l.msg === 'circuit breaker state changed' && l.source === 'nirvana' && l.state === 'open')).toBe(true);
  });
});
