import type { ApolloServer } from '@apollo/server';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TenantResolver } from '../auth/tenant-resolver';
import { DEFAULT_CONNECTION_LIMITS, DEFAULT_LIMITS } from '../config/config.schema';
import type { Logger } from '../logging/logger';
import type { GatewayMetrics } from '../observability/metrics';
import { METRICS_PATH, writeMetrics } from '../observability/metrics-server';
import type { GraphQLContext, Services } from '../services/services';
import { createGraphQLHandler } from './graphql-request/handle-graphql';
import type { HighlightsWebhookHandler } from './highlights-webhook';
import { timeHttpRequest } from './http-metrics';
import { graphqlError, sendJson } from './json-response';
import type { TenantRateLimiter } from './protection/tenant-rate-limiter';
import { requestIdFrom } from './request-context';
import { listenerTimeouts } from './connection-timeouts';

/** Overall time one GraphQL request may spend upstream when none is given, ms. */
export const GRAPHQL_REQUEST_DEADLINE_MS = 30_000;

/** Options of the HTTP front door. */
export interface HttpServerOptions {
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly tenants: TenantResolver;
  readonly services: Services;
  readonly logger: Logger;
  /** Overall time one GraphQL request may spend upstream, ms; default GRAPHQL_REQUEST_DEADLINE_MS. */
  readonly requestTimeoutMs?: number;
  /** Largest accepted request body, bytes; default `limits.maxBodyBytes` of DEFAULT_LIMITS. */
  readonly maxBodyBytes?: number;
  /** Answers `/readyz`. */
  readonly ready: () => Promise<boolean>;
  /** Counts each GraphQL request against its tenant's budget; absent for no inbound limit. */
  readonly rateLimiter?: TenantRateLimiter;
  readonly now?: () => number;
  /** Receiver of LogRocket's highlight pushes; its path token is its authentication. */
  readonly highlightsWebhook?: HighlightsWebhookHandler;
  /** Serve Apollo's landing page to browsers without a key (`server.landingPage: sandbox`). */
  readonly landingPage?: boolean;
  /** Prometheus metrics to record into; absent for none. */
  readonly metrics?: GatewayMetrics;
  /** Also serve `metrics` at `/metrics` on this port (demo mode); otherwise that path is 404 here. */
  readonly serveMetrics?: boolean;
  /** Timeouts and the per-client connection cap; defaults in DEFAULT_CONNECTION_LIMITS. */
  readonly connections?: Partial<ConnectionHygiene>;
}

/** How long and how many connections a client may hold on the public port. */
export interface ConnectionHygiene {
  /** Time to send the request headers, ms. */
  readonly headersTimeoutMs: number;
  /** Time to send the whole request, headers and body, ms. */
  readonly requestTimeoutMs: number;
  /** Concurrent connections of one client address (IPv6: its /64); 0 for no cap. */
  readonly maxConnectionsPerClient: number;
}

/** Node's default; stated so that it does not move with the Node version. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** How often refused connections are logged: the first per window, then a count. */
export const CONNECTION_REFUSAL_LOG_WINDOW_MS = 60_000;

/**
 * The key connections are counted under: an IPv4 address (also IPv4-mapped IPv6), or the /64
 * of an IPv6 address, since one IPv6 client usually holds a whole /64.
 */
export function clientKeyOf(address: string): string {
  const bare = address.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return mapped[1]!;
  if (!bare.includes(':')) return bare;
  const [head = '', tail] = bare.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])));
  const front = groupsOf(head);
  const back = tail === undefined ? [] : groupsOf(tail);
  const groups = [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/**
 * Closes, at once, connections of a client address beyond the cap, and logs them sampled: the
 * first refusal in a window, with how many went unlogged since the previous line.
 */
function capConnectionsPerClient(server: Server, max: number, logger: Logger, clock: () => number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  let sample: { startedAt: number; unlogged: number } | undefined;
  server.on('connection', (socket: Socket) => {
    if (socket.remoteAddress === undefined) return;
    const key = clientKeyOf(socket.remoteAddress);
    const count = open.get(key) ?? 0;
    if (count >= max) {
      socket.destroy();
      const at = clock();
      if (sample && at >= sample.startedAt && at - sample.startedAt < CONNECTION_REFUSAL_LOG_WINDOW_MS) {
        sample.unlogged += 1;
        return;
      }
      logger.warn(
        {
          client: key,
          maxConnectionsPerClient: max,
          unloggedSincePrevious: sample?.unlogged ?? 0,
          sampledPerMs: CONNECTION_REFUSAL_LOG_WINDOW_MS,
        },
        'connection refused: client holds too many (more within the minute are counted, not logged)',
      );
      sample = { startedAt: at, unlogged: 0 };
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}

/**
 * node:http server for `/graphql` (Apollo), `/healthz` and `/readyz`. Authenticates before
 * Apollo runs, so an unauthenticated caller costs nothing and learns nothing. Slow senders are
 * cut by the headers and request timeouts, a 401 or 413 closes its connection without reading
 * the rest of the body, and one client address holds at most `maxConnectionsPerClient`.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { apollo, tenants, services, logger } = options;
  const now = options.now ?? Date.now;

  const handleGraphQL = createGraphQLHandler({
    apollo,
    tenants,
    services,
    logger,
    now,
    requestTimeoutMs: options.requestTimeoutMs ?? GRAPHQL_REQUEST_DEADLINE_MS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
    rateLimiter: options.rateLimiter,
    metrics: options.metrics,
    landingPage: options.landingPage ?? false,
  });

  const hygiene: ConnectionHygiene = {
    headersTimeoutMs: options.connections?.headersTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.headersTimeoutMs,
    requestTimeoutMs: options.connections?.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs,
    maxConnectionsPerClient: options.connections?.maxConnectionsPerClient ?? DEFAULT_CONNECTION_LIMITS.maxConnectionsPerClient,
  };
  const server = createServer(listenerTimeouts(hygiene.headersTimeoutMs, hygiene.requestTimeoutMs), (req, res) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { metrics } = options;
    if (metrics) timeHttpRequest(metrics, res, url.pathname);
    const route = async () => {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === METRICS_PATH && metrics && options.serveMetrics) return writeMetrics(metrics, res);
      if (url.pathname === '/readyz') {
        const ready = await options.ready().catch(() => false);
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      }
      // Before tenant authentication: the webhook's path token is its credential.
      if (url.pathname.startsWith('/webhooks/') && options.highlightsWebhook) {
        if (await options.highlightsWebhook(req, res, url, requestId)) return;
      }
      if (url.pathname === '/graphql' || url.pathname === '/graphql/') {
        if (req.method !== 'GET' && req.method !== 'POST') {
          return sendJson(res, 405, graphqlError('Use GET or POST.', 'BAD_REQUEST', requestId), { allow: 'GET, POST' });
        }
        return handleGraphQL({ req, res, url, requestId });
      }
      return sendJson(res, 404, { error: 'not found' });
    };
    route().catch((error: unknown) => {
      logger.error({ err: error, requestId }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendJson(res, 500, graphqlError('Internal error.', 'INTERNAL_SERVER_ERROR', requestId));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  capConnectionsPerClient(server, hygiene.maxConnectionsPerClient, logger, now);
  return server;
}

/**
 * Stops accepting connections at once and closes the idle keep-alive ones; requests in flight
 * may finish for `graceMs`, each connection closing as it falls idle; whatever is still open
 * then is cut. Upgraded (WebSocket) connections are their owner's to close.
 */
export async function closeGracefully(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Answers sent from now on end their connection instead of keeping it alive.
  const closeAfterAnswer = (_req: IncomingMessage, res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  server.prependListener('request', closeAfterAnswer);
  // A request that finishes leaves its keep-alive connection idle; idle ones are closed here.
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  sweep.unref();
  force.unref();
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(force);
    server.off('request', closeAfterAnswer);
  }
}
