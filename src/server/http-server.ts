import { HeaderMap, type ApolloServer } from '@apollo/server';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TenantResolver } from '../auth/tenant-resolver';
import { DEFAULT_CONNECTION_LIMITS } from '../config/config.schema';
import type { Logger } from '../logging/logger';
import type { GraphQLContext, Services } from '../services/services';
import type { HighlightsWebhookHandler } from './highlights-webhook';
import type { UpstreamSample } from '../datasources/http-client';
import type { GatewayMetrics } from '../observability/metrics';
import { METRICS_PATH, writeMetrics } from '../observability/metrics-server';
import type { TenantRateLimiter } from './protection/tenant-rate-limiter';
import { serveLandingPage } from './landing-page';
import { requestIdFrom } from './request-context';
import { BodyCut, BodyTooLarge, readBody } from './read-body';

/** Options of the HTTP front door. */
export interface HttpServerOptions {
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly tenants: TenantResolver;
  readonly services: Services;
  readonly logger: Logger;
  /** Overall time one GraphQL request may spend upstream, ms; default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Largest accepted request body, bytes; default 1 MiB. */
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

/** Longest a socket told `Connection: close` may stay open after its answer was sent, ms. */
export const CLOSE_LINGER_MS = 1_000;

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

/** Low-cardinality route label of a path. */
function routeOf(pathname: string): string {
  if (pathname === '/graphql' || pathname === '/graphql/') return '/graphql';
  if (pathname.startsWith('/webhooks/')) return '/webhooks';
  return ['/healthz', '/readyz', '/metrics'].includes(pathname) ? pathname : 'other';
}

/** Upstream calls of one request, by source: what the request log line reports. */
type UpstreamTally = Record<string, { calls: number; errors: number; ms: number; cancelled?: number }>;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Answers and closes the connection without reading the rest of the body: Node ends a socket
 * once a `Connection: close` answer is flushed, and the timer bounds a client that never lets
 * it flush.
 */
function sendJsonAndClose(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, body, { ...headers, connection: 'close' });
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function graphqlError(message: string, code: string, requestId: string) {
  return { errors: [{ message, extensions: { code, requestId } }] };
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
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => {
    const tenant = tenants.resolve(req.headers.authorization);
    if (!tenant) {
      if (options.landingPage && (await serveLandingPage(apollo, req, res, requestId))) return;
      sendJsonAndClose(
        req,
        res,
        401,
        graphqlError('Send `Authorization: Bearer <key>` with a key issued to your tenant.', 'UNAUTHENTICATED', requestId),
        {
          'www-authenticate': 'Bearer',
          'x-request-id': requestId,
        },
      );
      return;
    }
    const verdict = await options.rateLimiter?.request(tenant.id);
    if (verdict && !verdict.allowed) {
      options.metrics?.rateLimited.inc({ kind: 'requests', source: '' });
      req.resume();
      sendJson(
        res,
        429,
        {
          errors: [
            {
              message: `Your tenant sent too many requests this minute; try again in ${verdict.retryAfterSeconds} s.`,
              extensions: { code: 'RATE_LIMITED', retryAfter: verdict.retryAfterSeconds, requestId },
            },
          ],
        },
        { 'retry-after': String(verdict.retryAfterSeconds), 'x-request-id': requestId },
      );
      return;
    }
    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, maxBody);
      } catch (error) {
        if (error instanceof BodyCut) {
          logger.info({ requestId, tenant: tenant.id, status: 499, outcome: 'client_abort', phase: 'body' }, 'graphql request');
          return;
        }
        if (error instanceof BodyTooLarge) {
          sendJsonAndClose(req, res, 413, graphqlError(`Request body exceeds ${maxBody} bytes.`, 'BAD_REQUEST', requestId));
          return;
        }
        throw error;
      }
      const contentType = req.headers['content-type'] ?? '';
      if (/json/i.test(contentType)) {
        try {
          body = text.length === 0 ? undefined : JSON.parse(text);
        } catch {
          sendJson(res, 400, graphqlError('The request body is not valid JSON.', 'BAD_REQUEST', requestId));
          return;
        }
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const abort = new AbortController();
    // Every upstream call of the request listens to it: a merged page of several aliased
    // timelines legitimately has dozens at once.
    setMaxListeners(0, abort.signal);
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client went away'));
    });
    const started = now();
    const upstream: UpstreamTally = {};
    const observe = (sample: UpstreamSample) => {
      const tally = (upstream[sample.sourceId] ??= { calls: 0, errors: 0, ms: 0 });
      tally.calls += 1;
      tally.ms += sample.ms;
      if (sample.status === 'error' || (typeof sample.status === 'number' && sample.status >= 400)) tally.errors += 1;
      if (sample.status === 'cancelled') tally.cancelled = (tally.cancelled ?? 0) + 1;
    };
    const context: GraphQLContext = {
      requestId,
      tenant,
      call: { deadline: started + timeoutMs, signal: abort.signal, observe, tenantId: tenant.id },
      logger: logger.child({ requestId, tenant: tenant.id }),
      services,
      partialErrors: [],
      operation: {
        name:
          (body as { operationName?: unknown } | undefined)?.operationName === undefined
            ? null
            : String((body as { operationName?: unknown }).operationName),
      },
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => context,
    });
    if (abort.signal.aborted) {
      // Nobody reads this answer. 499 (nginx's "client closed request") is for the log only.
      context.logger.info(
        { operation: context.operation.name, status: 499, outcome: 'client_abort', ms: now() - started, upstream },
        'graphql request',
      );
      return;
    }
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.setHeader('x-request-id', requestId);
    res.statusCode = response.status ?? 200;
    context.logger.info({ operation: context.operation.name, status: res.statusCode, ms: now() - started, upstream }, 'graphql request');
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const hygiene: ConnectionHygiene = {
    headersTimeoutMs: options.connections?.headersTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.headersTimeoutMs,
    requestTimeoutMs: options.connections?.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs,
    maxConnectionsPerClient: options.connections?.maxConnectionsPerClient ?? DEFAULT_CONNECTION_LIMITS.maxConnectionsPerClient,
  };
  const requestTimeout = hygiene.requestTimeoutMs;
  const headersTimeout = Math.min(hygiene.headersTimeoutMs, requestTimeout);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      // Node looks for expired requests every 30 s by default: a dripping client would outlive
      // the timeouts by up to that much.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      const requestId = requestIdFrom(req.headers['x-request-id']);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const { metrics } = options;
      if (metrics) {
        const stop = metrics.httpDuration.startTimer({ route: routeOf(url.pathname) });
        res.once('finish', () => stop({ status: String(res.statusCode) }));
      }
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
          return handleGraphQL(req, res, url, requestId);
        }
        return sendJson(res, 404, { error: 'not found' });
      };
      route().catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'unhandled error in HTTP handler');
        if (!res.headersSent) sendJson(res, 500, graphqlError('Internal error.', 'INTERNAL_SERVER_ERROR', requestId));
        else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  capConnectionsPerClient(server, hygiene.maxConnectionsPerClient, logger, now);
  return server;
}

/**
 * Stops accepting connections and lets requests in flight finish for `graceMs`, closing each
 * connection as it falls idle; whatever is still open then is cut.
 */
export async function closeGracefully(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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
