import { HeaderMap, type ApolloServer } from '@apollo/server';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TenantResolver } from '../auth/tenant-resolver';
import type { Logger } from '../logging/logger';
import type { GraphQLContext, Services } from '../services/services';
import type { HighlightsWebhookHandler } from './highlights-webhook';
import type { UpstreamSample } from '../datasources/http-client';
import type { GatewayMetrics } from '../observability/metrics';
import type { TenantRateLimiter } from './protection/tenant-rate-limiter';
import { serveLandingPage } from './landing-page';
import { requestIdFrom } from './request-context';

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
  /** Prometheus metrics, served at `/metrics`; absent for none. */
  readonly metrics?: GatewayMetrics;
}

/** Low-cardinality route label of a path. */
function routeOf(pathname: string): string {
  if (pathname === '/graphql' || pathname === '/graphql/') return '/graphql';
  if (pathname.startsWith('/webhooks/')) return '/webhooks';
  return ['/healthz', '/readyz', '/metrics'].includes(pathname) ? pathname : 'other';
}

/** Upstream calls of one request, by source: what the request log line reports. */
type UpstreamTally = Record<string, { calls: number; errors: number; ms: number; cancelled?: number }>;

class BodyTooLarge extends Error {}

/** The client closed the connection before its request body was complete. */
class BodyAborted extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      // Drain without keeping it, so the client reads the 413 instead of a reset connection.
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    let complete = false;
    req.on('end', () => {
      complete = true;
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    // Without this a body cut off mid-way would leave the request pending for good.
    req.on('close', () => {
      if (!complete) reject(new BodyAborted());
    });
    req.on('error', () => reject(new BodyAborted()));
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function graphqlError(message: string, code: string, requestId: string) {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

/**
 * node:http server for `/graphql` (Apollo), `/healthz` and `/readyz`. Authenticates before
 * Apollo runs, so an unauthenticated caller costs nothing and learns nothing.
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
      sendJson(res, 401, graphqlError('Send `Authorization: Bearer <key>` with a key issued to your tenant.', 'UNAUTHENTICATED', requestId), {
        'www-authenticate': 'Bearer',
        'x-request-id': requestId,
      });
      return;
    }
    const verdict = await options.rateLimiter?.request(tenant.id);
    if (verdict && !verdict.allowed) {
      options.metrics?.rateLimited.inc({ kind: 'requests', source: '' });
      req.resume();
      sendJson(
        res,
        429,
        { errors: [{ message: `Your tenant sent too many requests this minute; try again in ${verdict.retryAfterSeconds} s.`, extensions: { code: 'RATE_LIMITED', retryAfter: verdict.retryAfterSeconds, requestId } }] },
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
        if (error instanceof BodyAborted) {
          logger.info({ requestId, tenant: tenant.id, status: 499, outcome: 'client_abort', phase: 'body' }, 'graphql request');
          return;
        }
        if (error instanceof BodyTooLarge) {
          sendJson(res, 413, graphqlError(`Request body exceeds ${maxBody} bytes.`, 'BAD_REQUEST', requestId), { connection: 'close' });
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
      operation: { name: (body as { operationName?: unknown } | undefined)?.operationName === undefined ? null : String((body as { operationName?: unknown }).operationName) },
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => context,
    });
    if (abort.signal.aborted) {
      // Nobody reads this answer. 499 (nginx's "client closed request") is for the log only.
      context.logger.info({ operation: context.operation.name, status: 499, outcome: 'client_abort', ms: now() - started, upstream }, 'graphql request');
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

  return createServer((req, res) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { metrics } = options;
    if (metrics) {
      const stop = metrics.httpDuration.startTimer({ route: routeOf(url.pathname) });
      res.once('finish', () => stop({ status: String(res.statusCode) }));
    }
    const route = async () => {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/metrics' && metrics) {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
        return;
      }
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
  });
}
