import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitState } from '../datasources/protection/circuit-breaker';

/** The gateway's Prometheus metrics, on a registry of its own (never the global one). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** `/graphql` and other routes: duration by route and HTTP status. */
  readonly httpDuration: Histogram<'route' | 'status'>;
  /** One upstream attempt: duration by source and status (`error` for no answer). */
  readonly upstreamDuration: Histogram<'source' | 'status'>;
  /** Upstream attempts that failed (status ≥ 400 or no answer), by source and status. */
  readonly upstreamErrors: Counter<'source' | 'status'>;
  /** Page cache lookups by result: hit, miss, shared (joined an in-flight call). */
  readonly pageCache: Counter<'result'>;
  /** Circuit breaker state by source: 0 closed, 1 half-open, 2 open. */
  readonly breakerState: Gauge<'source'>;
  /** Requests refused by a rate limit: inbound `requests`/`cost`, or `outbound` per source. */
  readonly rateLimited: Counter<'kind' | 'source'>;
  /** Live-tail polls of a source's head, by outcome (`ok`, `error`): one per poller and interval, whatever the subscribers. */
  readonly livePolls: Counter<'source' | 'outcome'>;
  /** Live-tail subscriptions and pollers open now. */
  readonly liveOpen: Gauge<'kind'>;
}

const BREAKER_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Creates the metrics; labels stay low-cardinality (no tenant, no operation name). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'auditgraph_' });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'auditgraph_http_request_duration_seconds',
      help: 'HTTP request latency by route and status.',
      labelNames: ['route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'auditgraph_upstream_request_duration_seconds',
      help: 'Latency of one upstream attempt by source and HTTP status (error: no answer).',
      labelNames: ['source', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'auditgraph_upstream_errors_total',
      help: 'Upstream attempts that failed, by source and status (error: no answer).',
      labelNames: ['source', 'status'],
      registers,
    }),
    pageCache: new Counter({
      name: 'auditgraph_page_cache_requests_total',
      help: 'Page cache lookups by result.',
      labelNames: ['result'],
      registers,
    }),
    breakerState: new Gauge({
      name: 'auditgraph_circuit_breaker_state',
      help: 'Circuit breaker state by source: 0 closed, 1 half-open, 2 open.',
      labelNames: ['source'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'auditgraph_rate_limited_total',
      help: 'Requests refused by a rate limit: inbound requests or cost, or outbound per source.',
      labelNames: ['kind', 'source'],
      registers,
    }),
    livePolls: new Counter({
      name: 'auditgraph_live_polls_total',
      help: 'Live-tail polls of a source head, by outcome.',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    liveOpen: new Gauge({
      name: 'auditgraph_live_open',
      help: 'Live-tail subscriptions and pollers open now, by kind.',
      labelNames: ['kind'],
      registers,
    }),
  };
}

/** Records a breaker state change. */
export function recordBreakerState(metrics: GatewayMetrics, sourceId: string, state: CircuitState): void {
  metrics.breakerState.set({ source: sourceId }, BREAKER_VALUE[state]);
}
