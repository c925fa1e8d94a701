import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { createTenantResolver } from './auth/tenant-resolver';
import { DEFAULT_CONNECTION_LIMITS, resolveConfig, type AppConfig } from './config/config.schema';
import { createCacheStore, type CacheStore } from './datasources/cache/cache-store';
import { PageCache, type PageCacheOptions } from './datasources/cache/page-cache';
import { createTenantPersistedQueries } from './datasources/cache/persisted-query-cache';
import { createAdapter, createSourceHttpClient, type AdapterDependencies } from './datasources/create-adapters';
import { createPacingStore } from './datasources/protection/redis-pacing-store';
import type { UpstreamSample } from './datasources/http-client';
import { createMetrics, recordBreakerState, type GatewayMetrics } from './observability/metrics';
import { createMetricsServer, METRICS_PATH } from './observability/metrics-server';
import { createLogRocketRestClients } from './datasources/logrocket/logrocket-rest.client';
import { SourceRegistry } from './datasources/source-registry';
import type { Logger } from './logging/logger';
import { CursorCodec } from './paging/cursor-codec';
import { jitGateway, type JitExecutionOptions } from './server/jit-executor';
import { buildAuditGraphSchema } from './schema/build-schema';
import { formatError } from './server/error-masking';
import { createHighlightsWebhookHandler } from './server/highlights-webhook';
import { closeGracefully, createHttpServer } from './server/http-server';
import { landingPageOf, landingPagePlugin } from './server/landing-page';
import { attachLiveTailSocket } from './server/live-tail-socket';
import { operationLimits } from './server/operation-limits';
import { TenantRateLimiter } from './server/protection/tenant-rate-limiter';
import { requestErrorsPlugin } from './server/plugins/request-errors.plugin';
import { subscriptionsOverWebSocketPlugin } from './server/plugins/subscriptions-over-websocket.plugin';
import { AuditEventsService } from './services/audit-events.service';
import { HighlightsService } from './services/highlights/highlights.service';
import type { HighlightsTuning } from './services/highlights/highlights.tuning';
import { LiveTailService } from './services/live-tail/live-tail.service';
import { createPollCoordinator } from './services/live-tail/poll-coordinator';
import { LogRocketRestSources } from './services/logrocket-rest-sources';
import { NodeService } from './services/node.service';
import type { GraphQLContext, Services } from './services/services';
import { SessionExportsService } from './services/session-exports.service';
import { UsersService } from './services/users.service';
import { WebhookUrlPolicy, type HostResolver } from './services/webhook-url-policy';

/** What the gateway is built with besides its configuration. */
export interface GatewayDependencies {
  readonly logger: Logger;
  /** Shared outbound dispatcher (tests: MockAgent); default one pool per source. */
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
  /** Per GraphQL request, ms; default GRAPHQL_REQUEST_DEADLINE_MS (server/http-server). */
  readonly requestTimeoutMs?: number;
  /** Native requests one page may spend per source; default 10. */
  readonly scanBudget?: number;
  /** Observes every upstream attempt (metrics, tests). */
  readonly onUpstreamAttempt?: (sample: UpstreamSample) => void;
  /** Compiled execution of repeated documents (see jit-executor.ts); default its defaults. */
  readonly jit?: JitExecutionOptions;
  /** Prometheus metrics to record into; default a fresh registry, served on the `metrics` listener. */
  readonly metrics?: GatewayMetrics;
  /** Page cache tuning, or `false` to read without a page cache; default: on, with its defaults. */
  readonly pageCache?: Omit<PageCacheOptions, 'store' | 'now'> | false;
  /** Highlights cache and poll timings; defaults in HIGHLIGHTS_DEFAULTS. */
  readonly highlights?: Partial<HighlightsTuning>;
  /** Resolver of client webhook hosts, at acceptance and at connect time; default the system's. */
  readonly webhookResolver?: HostResolver;
}

/** A running gateway. */
export interface Gateway {
  readonly server: Server;
  /** The metrics listener, when `metrics` is configured. */
  readonly metricsServer?: Server;
  /** The shared store (memory or Redis) behind every cache. */
  readonly cache: CacheStore;
  /** The native page cache, when on. */
  readonly pageCache?: PageCache;
  /** Live-tail subscriptions and their pollers. */
  readonly liveTail: LiveTailService;
  /** `http://host:port/graphql` once listening. */
  url(): string;
  /**
   * `http://host:port/metrics` of the metrics listener once listening; in demo mode without one,
   * the public port's; undefined when metrics are served nowhere.
   */
  metricsUrl(): string | undefined;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export const SAMPLE_QUERY = `query RecentEvents {
  sources { name provider }
  auditEvents(sources: ["zendesk"], first: 5) {
    edges { node { occurredAt action actor { name type } target { type name } source { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The live tail demo mode suggests. */
export const SAMPLE_SUBSCRIPTION = `subscription LiveTail {
  auditEventAdded {
    cursor
    node { occurredAt action actor { name type } source { name } }
  }
}`;

/** The operation Sandbox opens with outside demo mode, where source names are not known in advance. */
export const SOURCES_QUERY = `query Sources {
  sources { id name provider }
}`;

/** Assembles schema, services, Apollo and the HTTP server for a configuration. */
export async function createGateway(given: AppConfig, deps: GatewayDependencies): Promise<Gateway> {
  const config = resolveConfig(given);
  const metrics = deps.metrics ?? createMetrics();
  const onAttempt = (sample: UpstreamSample) => {
    const status = String(sample.status);
    metrics.upstreamDuration.observe({ source: sample.sourceId, status }, sample.ms / 1000);
    if (sample.status === 'error' || (typeof sample.status === 'number' && sample.status >= 400))
      metrics.upstreamErrors.inc({ source: sample.sourceId, status });
    deps.onUpstreamAttempt?.(sample);
  };
  const cache = createCacheStore({
    url: config.cache.url,
    logger: deps.logger,
    memoryMaxBytes: config.cache.maxBytes,
    memoryMaxBytesPerTenant: config.cache.maxBytesPerTenant,
  });
  const pageCache =
    deps.pageCache === false
      ? undefined
      : new PageCache({
          settleMs: config.cache.settleSeconds * 1000,
          settledTtlMs: config.cache.settledPageTtlSeconds * 1000,
          shareAcrossWalks: config.cache.shareAcrossWalks,
          ...deps.pageCache,
          store: cache,
          now: deps.now,
          onLookup: (result) => metrics.pageCache.inc({ result }),
        });
  // Outbound budgets (provider quotas, 429 pauses, configured caps) are shared like the cache.
  const outboundStore = createPacingStore({ url: config.cache.url, logger: deps.logger, now: deps.now });
  const adapterDeps: AdapterDependencies = {
    logger: deps.logger,
    dispatcher: deps.dispatcher,
    now: deps.now,
    onAttempt,
    pageCache,
    onBreakerChange: (sourceId, state) => {
      recordBreakerState(metrics, sourceId, state);
      deps.logger.warn({ source: sourceId, state }, 'circuit breaker state changed');
    },
    onThrottled: (sourceId) => metrics.rateLimited.inc({ kind: 'outbound', source: sourceId }),
    outboundStore,
  };
  // One client per source: one pool, one outbound budget and one breaker for all its endpoints.
  const httpClients = new Map(config.sources.map((source) => [source.id, createSourceHttpClient(source, adapterDeps)]));
  const registry = new SourceRegistry(config.sources.map((source) => createAdapter(source, adapterDeps, httpClients.get(source.id))));
  const codec = new CursorCodec({ current: config.cursorSecret, previous: config.previousCursorSecrets });
  const tenants = createTenantResolver(config);
  const restSources = new LogRocketRestSources(
    registry,
    createLogRocketRestClients(config.sources, {
      logger: deps.logger,
      dispatcher: deps.dispatcher,
      now: deps.now,
      onAttempt,
      httpFor: (id) => httpClients.get(id),
    }),
  );
  const users = new UsersService({ sources: restSources, cache });
  const highlights = new HighlightsService({
    sources: restSources,
    cache,
    logger: deps.logger,
    tenants: () => tenants.tenants(),
    codec,
    publicUrl: config.server.publicUrl,
    // Forwards use their own guarded Agent, never the shared outbound dispatcher.
    webhookPolicy: new WebhookUrlPolicy({
      allowedHosts: config.webhooks?.allowedHosts,
      allowedPorts: config.webhooks?.allowedPorts,
      allowLoopback: config.demo,
      resolve: deps.webhookResolver,
    }),
    tuning: deps.highlights,
    now: deps.now,
    onAttempt,
  });
  const auditEvents = new AuditEventsService({ registry, codec, scanBudget: deps.scanBudget });
  const livePollIntervals = new Map(config.sources.map((source) => [source.id, source.livePollIntervalMs]));
  const live = config.live;
  const pollCoordinator = createPollCoordinator({ url: config.cache.url, logger: deps.logger });
  const liveTail = new LiveTailService({
    registry,
    codec,
    auditEvents,
    live,
    pollIntervalOf: (sourceId) => livePollIntervals.get(sourceId),
    now: deps.now,
    logger: deps.logger,
    scanBudget: deps.scanBudget,
    onPoll: (source, outcome) => metrics.livePolls.inc({ source, outcome }),
    coordinator: pollCoordinator,
    chargeReplay: (tenantId, cost) => rateLimiter.cost(tenantId, cost),
  });
  const services: Services = {
    registry,
    auditEvents,
    nodes: new NodeService(registry, { users, highlights }),
    users,
    highlights,
    sessionExports: new SessionExportsService(restSources, codec),
    liveTail,
  };
  const budgets = config.limits;
  const tenantConfigs = new Map(config.tenants.map((t) => [t.id, t]));
  const rateLimiter = new TenantRateLimiter({
    redisUrl: config.cache.url,
    logger: deps.logger,
    budgetOf: (tenantId) => ({
      requestsPerMinute: tenantConfigs.get(tenantId)?.requestsPerMinute ?? budgets.requestsPerMinute,
      costPerMinute: tenantConfigs.get(tenantId)?.costPerMinute ?? budgets.costPerMinute,
    }),
  });
  const limits = operationLimits(config.limits, async (context, cost) => {
    const verdict = await rateLimiter.cost(context.tenant.id, cost);
    if (!verdict.allowed) metrics.rateLimited.inc({ kind: 'cost', source: '' });
    return verdict;
  });
  const persistedQueries = createTenantPersistedQueries<GraphQLContext>(cache, { tenantOf: (context) => context.tenant.id });
  const schema = await buildAuditGraphSchema();
  const apollo = new ApolloServer<GraphQLContext>({
    // Documents a client sends again run compiled (graphql-jit); the results are graphql-js's.
    gateway: jitGateway(schema, deps.jit),
    formatError,
    introspection: config.server.introspection,
    hideSchemaDetailsFromClientErrors: !config.server.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // A request carrying Authorization is never a CORS-simple request (browsers preflight it), so
    // it cannot be forged cross-site: authenticated GETs need no extra header. Demo mode has no
    // keys, only simulated data on loopback, and sends no CORS headers: a plain GET works there.
    csrfPrevention: config.demo ? false : { requestHeaders: ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      // No cache hints are used; the plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      subscriptionsOverWebSocketPlugin(),
      ...limits.plugins,
      requestErrorsPlugin(),
      // Federation traces (ftv1) for routers that ask for them, with error messages masked.
      ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }),
      landingPagePlugin({ setting: config.server.landingPage, demo: config.demo, document: config.demo ? SAMPLE_QUERY : SOURCES_QUERY }),
      persistedQueries.plugin,
    ],
    // Automatic persisted queries live in the shared store (Redis when configured), per tenant:
    // keys `apq:<tenant>:<sha256>`, read and written by the plugin.
    persistedQueries: { cache: persistedQueries.cache },
  });
  await apollo.start();
  const server = createHttpServer({
    metrics,
    apollo,
    tenants,
    services,
    logger: deps.logger,
    requestTimeoutMs: deps.requestTimeoutMs,
    maxBodyBytes: config.limits?.maxBodyBytes,
    ready: () => cache.ping(),
    rateLimiter,
    now: deps.now,
    highlightsWebhook: createHighlightsWebhookHandler({ highlights, logger: deps.logger, now: deps.now }),
    landingPage: landingPageOf({ setting: config.server.landingPage, demo: config.demo }) === 'sandbox',
    // Demo mode is keyless, on loopback, over simulated data: its metrics hide nothing.
    serveMetrics: config.demo,
    connections: {
      headersTimeoutMs: config.server.headersTimeoutMs,
      requestTimeoutMs: config.server.requestTimeoutMs,
      maxConnectionsPerClient: config.server.maxConnectionsPerClient,
    },
  });
  const liveSocket = attachLiveTailSocket({
    server,
    schema,
    services,
    tenants,
    logger: deps.logger,
    metrics,
    live,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    introspection: config.server.introspection,
    rateLimiter,
  });
  const metricsServer = config.metrics
    ? createMetricsServer({
        metrics,
        token: config.metrics.token,
        headersTimeoutMs: config.server.headersTimeoutMs,
        requestTimeoutMs: config.server.requestTimeoutMs,
      })
    : undefined;
  const shutdownGraceMs = config.server.shutdownGraceMs ?? DEFAULT_CONNECTION_LIMITS.shutdownGraceMs;
  const baseOf = (listener: Server) => {
    const address = listener.address() as AddressInfo | null;
    if (!address) throw new Error('gateway is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  };
  const url = () => `${baseOf(server)}/graphql`;
  const metricsUrl = () => {
    if (metricsServer) return metricsServer.listening ? `${baseOf(metricsServer)}${METRICS_PATH}` : undefined;
    return config.demo && server.listening ? `${baseOf(server)}${METRICS_PATH}` : undefined;
  };
  const listenOn = (listener: Server, port: number, host: string) =>
    new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  if (config.metrics && !config.metrics.token && !/^(127\.|::1$|localhost$)/.test(config.metrics.host)) {
    deps.logger.warn({ host: config.metrics.host }, 'metrics listener is reachable beyond loopback without metrics.token');
  }
  return {
    server,
    metricsServer,
    cache,
    pageCache,
    liveTail,
    url,
    metricsUrl,
    listen: async () => {
      await listenOn(server, config.server.port, config.server.host);
      if (metricsServer && config.metrics) {
        try {
          await listenOn(metricsServer, config.metrics.port, config.metrics.host);
        } catch (error) {
          await closeGracefully(server, 0);
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`metrics listener (metrics.host / metrics.port): ${reason}`, { cause: error });
        }
      }
      return url();
    },
    close: async () => {
      // Refuses new connections before anything else stops; upgraded live-tail sockets are not
      // HTTP connections to the drain, and the socket closes them (1001) meanwhile.
      const drained = Promise.all([
        closeGracefully(server, shutdownGraceMs),
        metricsServer?.listening ? closeGracefully(metricsServer, 0) : undefined,
      ]);
      liveTail.close();
      await liveSocket.close();
      await pollCoordinator.close();
      await drained;
      await apollo.stop();
      await registry.close();
      await highlights.close();
      await restSources.close();
      await cache.close();
      await rateLimiter.close();
      await outboundStore.close();
    },
  };
}
