import autocannon from 'autocannon';
import { BENCH_KEY, PAGE_QUERY, type BenchClient, type PageVariables } from './bench-setup';
import type { GatewayProcess } from './gateway-handle';

/** How long and how hard the throughput case runs. */
export interface ThroughputPlan {
  readonly source: string;
  readonly pageSize: number;
  readonly connections: number;
  readonly durationSeconds: number;
}

/** One autocannon run. */
export interface ThroughputRow {
  readonly case: 'cached' | 'uncached';
  readonly source: string;
  readonly pageSize: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMedianMs: number;
  readonly latencyP99Ms: number;
  /** Connection errors (timeouts included), non-2xx answers and 200s carrying GraphQL `errors`. */
  readonly failures: number;
  /** Upstream requests the gateway made during the run. */
  readonly upstreamRequests: number;
}

// A top-level `"errors":` key can only be GraphQL's: inside a string value the quotes are escaped.
const hasNoGraphQLErrors = (body: string | Buffer | undefined): boolean => body !== undefined && !String(body).includes('"errors":');

/**
 * Requests per second and latency at a fixed concurrency for the first page of a source, oldest
 * first: `cached` against the default gateway, whose page cache holds that settled native page
 * after one warm-up request (shared by every walk); `uncached` against a gateway built with
 * `pageCache: false`, so every request goes upstream.
 */
export async function runThroughput(
  plan: ThroughputPlan,
  gateways: GatewayProcess,
  client: BenchClient,
  log: (line: string) => void,
): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  const variables: PageVariables = { sources: [plan.source], first: plan.pageSize, order: 'OLDEST_FIRST' };
  for (const [kind, name] of [
    ['cached', 'cached'],
    ['uncached', 'uncached'],
  ] as const) {
    const url = gateways.urls[name]!;
    await client.page(url, PAGE_QUERY, variables);
    await gateways.upstream(name, true);
    const result = await autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
      body: JSON.stringify({ query: PAGE_QUERY, variables }),
      connections: plan.connections,
      duration: plan.durationSeconds,
      verifyBody: hasNoGraphQLErrors,
      timeout: 10,
    });
    const upstream = Object.values(await gateways.upstream(name, true)).reduce((a, b) => a + b, 0);
    const row: ThroughputRow = {
      case: kind,
      source: plan.source,
      pageSize: plan.pageSize,
      connections: plan.connections,
      durationSeconds: plan.durationSeconds,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.total / result.duration),
      latencyMedianMs: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      failures: result.errors + result.non2xx + result.mismatches,
      upstreamRequests: upstream,
    };
    rows.push(row);
    log(
      `throughput ${kind}: ${row.requestsPerSecond} req/s, p99 ${row.latencyP99Ms} ms, ${row.failures} failures, ${upstream} upstream requests`,
    );
  }
  return rows;
}
