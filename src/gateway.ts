import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { createTenantResolver } from './auth/tenant-resolver';
import type { AppConfig } from './config/config.schema';
import { createCacheStore, type CacheStore } from './datasources/cache/cache-store';
import { PageCache, type PageCacheOptions } from './datasources/cache/page-cache';
import { createAdapter } from './datasources/create-adapters';
import { SourceRegistry } from './datasources/source-registry';
import type { Logger } from './logging/logger';
import { CursorCodec } from './paging/cursor-codec';
import { buildAuditGraphSchema } from './schema/build-schema';
import { formatError } from './server/error-masking';
import { createHttpServer } from './server/http-server';
import { requestErrorsPlugin } from './server/plugins/request-errors.plugin';
import { AuditEventsService } from './services/audit-events.service';
import { NodeService } from './services/node.service';
import type { GraphQLContext, Services } from './services/services';

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
  const services: Services = {
    registry,
    auditEvents: new AuditEventsService({ registry, codec, scanBudget: deps.scanBudget }),
    nodes: new NodeService(registry),
  };
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await buildAuditGraphSchema(),
    formatError,
    introspection: config.server.introspection,
    includeStacktraceInErrorResponses: false,
    plugins: [
      requestErrorsPlugin(),
      config.demo
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, document: SAMPLE_QUERY, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  const server = createHttpServer({
    apollo,
    tenants: createTenantResolver(config),
    services,
    logger: deps.logger,
    requestTimeoutMs: deps.requestTimeoutMs,
    ready: () => cache.ping(),
    now: deps.now,
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
      await cache.close();
    },
  };
}
