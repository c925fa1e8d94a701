import {
  DEFAULT_LIMITS,
  type AppConfig,
  type CacheConfig,
  type LiveConfig,
  type OperationLimits,
  type SourceTuning,
} from '../../src/config/config.schema';
import { createGateway, type Gateway, type GatewayDependencies } from '../../src/gateway';
import { silentLogger } from '../../src/logging/logger';
import { simulatorSources } from '../../src/simulators/demo-sources';
import { startAllSimulators, type AllSimulators, type AllSimulatorsOptions } from '../../src/simulators/index';

/** API keys of the harness tenants. */
export const KEYS = { acme: 'acme-key-0123456789', beta: 'beta-key-0123456789' } as const;
export const CURSOR_SECRET = 'test-cursor-secret-0123456789abcdef';

/** A GraphQL response as tests see it. */
export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  headers: Headers;
}

/** Simulators of all four providers plus a gateway in front of them, on loopback. */
export interface Harness {
  readonly sims: AllSimulators;
  readonly gateway: Gateway;
  readonly url: string;
  /** `/metrics` on the gateway's metrics listener (loopback, any free port). */
  readonly metricsUrl: string;
  /** Upstream attempts seen by the gateway, by source id. */
  readonly upstream: Map<string, number>;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** Options of a harness. */
export interface HarnessOptions extends AllSimulatorsOptions {
  readonly tuning?: Partial<SourceTuning>;
  /** `redis://…` to share the cache through Redis. */
  readonly cacheUrl?: string;
  /** Other `cache.*` settings (freshness rules). */
  readonly cache?: Partial<Omit<CacheConfig, 'url'>>;
  /** Operation limits other than the defaults. */
  readonly limits?: Partial<OperationLimits>;
  /** Reuse running simulators instead of starting new ones (several gateway instances); they are not closed. */
  readonly sims?: AllSimulators;
  readonly gateway?: Partial<GatewayDependencies>;
  /** `server.*` settings besides the harness's listen address (timeouts, connection cap). */
  readonly server?: Partial<AppConfig['server']>;
  /** Metrics listener settings besides loopback on any free port (a token). */
  readonly metrics?: Partial<NonNullable<AppConfig['metrics']>>;
  /** Live-tail settings other than the defaults. */
  readonly live?: Partial<LiveConfig>;
}

/** Config with two tenants: `acme` reads everything, `beta` only Zendesk. */
export function harnessConfig(
  sims: AllSimulators,
  tuning: Partial<SourceTuning> = {},
  cacheUrl?: string,
  limits: Partial<OperationLimits> = {},
): AppConfig {
  return {
    server: { host: '127.0.0.1', port: 0, introspection: false },
    metrics: { host: '127.0.0.1', port: 0 },
    cursorSecret: CURSOR_SECRET,
    cache: cacheUrl ? { url: cacheUrl } : {},
    // Tests page far faster than any tenant would; the inbound limits are tested on their own.
    limits: { ...DEFAULT_LIMITS, requestsPerMinute: 1_000_000, costPerMinute: 1_000_000_000, ...limits },
    tenants: [
      { id: 'acme', apiKeys: [KEYS.acme], sources: ['*'] },
      { id: 'beta', apiKeys: [KEYS.beta], sources: ['zendesk'] },
    ],
    sources: simulatorSources(sims, { retries: 0, timeoutMs: 5_000, requestsPerMinute: 1_000_000, breakerFailures: 1000, ...tuning }),
    demo: false,
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  // Tests page far faster than any real client; Zendesk's real quota is tested on its own.
  const ownSims = !options.sims;
  const sims =
    options.sims ??
    (await startAllSimulators({
      seed: options.seed ?? 7,
      count: options.count ?? 600,
      now: options.now,
      bigTieGroup: options.bigTieGroup,
      zendeskRateLimitPerMinute: options.zendeskRateLimitPerMinute ?? 1_000_000,
    }));
  const upstream = new Map<string, number>();
  const config = harnessConfig(sims, options.tuning, options.cacheUrl, options.limits);
  const gateway = await createGateway(
    {
      ...config,
      server: { ...config.server, ...options.server },
      metrics: { host: '127.0.0.1', port: 0, ...options.metrics },
      cache: { ...config.cache, ...options.cache },
      ...(options.live ? { live: options.live } : {}),
    },
    {
      logger: silentLogger(),
      onUpstreamAttempt: ({ sourceId }) => upstream.set(sourceId, (upstream.get(sourceId) ?? 0) + 1),
      // Every document runs compiled from its first request, so that the whole suite proves the
      // compiled execution gives graphql-js's results, errors and codes included.
      jit: { compileAfter: 1 },
      ...options.gateway,
    },
  );
  const url = await gateway.listen();
  return {
    sims,
    gateway,
    url,
    metricsUrl: gateway.metricsUrl()!,
    upstream,
    async gql(query, variables, key = KEYS.acme) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
    async close() {
      await gateway.close();
      if (ownSims) await sims.close();
    },
  };
}
