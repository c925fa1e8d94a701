import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { createTenantResolver } from './auth/tenant-resolver';
import { DEFAULT_LIMITS, type AppConfig } from './config/config.schema';
import { createCacheStore, type CacheStore } from './datasources/cache/cache-store';
import { PageCache, type PageCacheOptions } from './datasources/cache/page-cache';
import { createAdapter } from './datasources/create-adapters';
import { createLogRocketRestClients } from './datasources/logrocket/logrocket-rest.client';
import { SourceRegistry } from './datasources/source-registry';
import type { Logger } from './logging/logger';
import { CursorCodec } from './paging/cursor-codec';
import { buildAuditGraphSchema } from './schema/build-schema';
import { formatError } from './server/error-masking';
import { createHighlightsWebhookHandler } from './server/highlights-webhook';
import { createHttpServer } from './server/http-server';
import { operationLimits } from './server/operation-limits';
import { TenantRateLimiter } from './server/protection/tenant-rate-limiter';
import { requestErrorsPlugin } from './server/plugins/request-errors.plugin';
import { AuditEventsService } from './services/audit-events.service';
import { HighlightsService, type HighlightsTuning } from './services/highlights.service';
import { LogRocketRestSources } from './services/logrocket-rest-sources';
import { NodeService } from './services/node.service';
import type { GraphQLContext, Services } from './services/services';
import { SessionExportsService } from './services/session-exports.service';
import { UsersService } from './services/users.service';

/** What the gateway is built with besides its configuration. */
export interface GatewayDependencies {
  readonly logger: Logger;
  /** Shared outbound dispatcher (tests: MockAgent); default one pool per source. */
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
  /** Per GraphQL request, ms; default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Native requests one page may spend per source; default 10. */
  readonly scanBudget?: number;
  /** Observes every upstream attempt (metrics, tests). */
  readonly onUpstreamAttempt?: (info: { sourceId: string; status: number | 'error'; ms: number }) => void;
  /** Page cache tuning, or `false` to read without a page cache; default: on, with its defaults. */
  readonly pageCache?: Omit<PageCacheOptions, 'store' | 'now'> | false;
  /** Highlights cache and poll timings; defaults in HIGHLIGHTS_DEFAULTS. */
  readonly highlights?: Partial<HighlightsTuning>;
}

/** A running gateway. */
export interface Gateway {
  readonly server: Server;
  /** The shared store (memory or Redis) behind every cache. */
  readonly cache: CacheStore;
  /** The native page cache, when on. */
  readonly pageCache?: PageCache;
  /** `http://host:port/graphql` once listening. */
  url(): string;
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

/** Assembles schema, services, Apollo and the HTTP server for a configuration. */
export async function createGateway(config: AppConfig, deps: GatewayDependencies): Promise<Gateway> {
  const cache = createCacheStore({ url: config.cache.url, logger: deps.logger });
  const pageCache = deps.pageCache === false ? undefined : new PageCache({ ...deps.pageCache, store: cache, now: deps.now });
  const registry = new SourceRegistry(
    config.sources.map((source) =>
      createAdapter(source, { logger: deps.logger, dispatcher: deps.dispatcher, now: deps.now, onAttempt: deps.onUpstreamAttempt, pageCache }),
    ),
  );
  const codec = new CursorCodec(config.cursorSecret);
  const tenants = createTenantResolver(config);
  const restSources = new LogRocketRestSources(
    registry,
    createLogRocketRestClients(config.sources, { logger: deps.logger, dispatcher: deps.dispatcher, now: deps.now, onAttempt: deps.onUpstreamAttempt }),
  );
  const users = new UsersService({ sources: restSources, cache });
  const highlights = new HighlightsService({
    sources: restSources,
    cache,
    logger: deps.logger,
    tenants: () => tenants.tenants(),
    secret: config.cursorSecret,
    publicUrl: config.server.publicUrl,
    demo: config.demo,
    tuning: deps.highlights,
    now: deps.now,
    dispatcher: deps.dispatcher,
  });
  const services: Services = {
    registry,
    auditEvents: new AuditEventsService({ registry, codec, scanBudget: deps.scanBudget }),
    nodes: new NodeService(registry, { users, highlights }),
    users,
    highlights,
    sessionExports: new SessionExportsService(restSources, config.cursorSecret),
  };
  const budgets = { ...DEFAULT_LIMITS, ...config.limits };
  const tenantConfigs = new Map(config.tenants.map((t) => [t.id, t]));
  const rateLimiter = new TenantRateLimiter({
    redisUrl: config.cache.url,
    logger: deps.logger,
    budgetOf: (tenantId) => ({
      requestsPerMinute: tenantConfigs.get(tenantId)?.requestsPerMinute ?? budgets.requestsPerMinute,
      costPerMinute: tenantConfigs.get(tenantId)?.costPerMinute ?? budgets.costPerMinute,
    }),
  });
  const limits = operationLimits(config.limits, (context, cost) => rateLimiter.cost(context.tenant.id, cost));
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await buildAuditGraphSchema(),
    formatError,
    introspection: config.server.introspection,
    hideSchemaDetailsFromClientErrors: !config.server.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    validationRules: limits.validationRules,
    plugins: [
      ...limits.plugins,
      requestErrorsPlugin(),
      config.demo
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, document: SAMPLE_QUERY, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  const server = createHttpServer({
    apollo,
    tenants,
    services,
    logger: deps.logger,
    requestTimeoutMs: deps.requestTimeoutMs,
    maxBodyBytes: config.limits?.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
    ready: () => cache.ping(),
    rateLimiter,
    now: deps.now,
    highlightsWebhook: createHighlightsWebhookHandler({ highlights, logger: deps.logger }),
  });
  const url = () => {
    const address = server.address() as AddressInfo | null;
    if (!address) throw new Error('gateway is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/graphql`;
  };
  return {
    server,
    cache,
    pageCache,
    url,
    listen: () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.server.port, config.server.host, () => resolve(url()));
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
      await registry.close();
      await highlights.drain();
      await restSources.close();
      await cache.close();
      await rateLimiter.close();
    },
  };
}
