import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DEFAULT_CONNECTION_LIMITS } from '../config/config.schema';
import { listenerTimeouts } from '../server/connection-timeouts';
import type { GatewayMetrics } from './metrics';

/** Path of the Prometheus text, on the metrics listener (and on the public port in demo mode only). */
export const METRICS_PATH = '/metrics';

/** Connections the metrics listener holds at once: a scraper needs one or two. */
export const METRICS_MAX_CONNECTIONS = 16;

/** Options of {@link createMetricsServer}. */
export interface MetricsServerOptions {
  readonly metrics: GatewayMetrics;
  /** When set, a scrape must send `Authorization: Bearer <token>`; others get 401. */
  readonly token?: string;
  /** Time a client has to send its request headers, ms; default 10 000. */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send its whole request, ms; default 30 000. */
  readonly requestTimeoutMs?: number;
}

/** Writes the registry's Prometheus text as the response. */
export async function writeMetrics(metrics: GatewayMetrics, res: ServerResponse): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType });
  res.end(text);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The metrics listener: `GET /metrics` and nothing else, apart from the public port so that
 * source names, traffic and breaker states reach only the scraper. Scrapes are recorded in
 * `auditgraph_http_request_duration_seconds` with route `/metrics`, as they were on the public port.
 */
export function createMetricsServer(options: MetricsServerOptions): Server {
  const { metrics } = options;
  // Hashing both sides gives timingSafeEqual equal lengths and hides the token's length.
  const expected = options.token === undefined ? undefined : digest(`Bearer ${options.token}`);
  const authorized = (req: IncomingMessage) => expected === undefined || timingSafeEqual(digest(req.headers.authorization ?? ''), expected);
  const server = createServer(
    listenerTimeouts(
      options.headersTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.headersTimeoutMs,
      options.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs,
    ),
    (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== METRICS_PATH) return plain(res, 404, 'not found\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Use GET.\n', { allow: 'GET, HEAD' });
      if (!authorized(req))
        return plain(res, 401, 'Send `Authorization: Bearer <metrics.token>`.\n', { 'www-authenticate': 'Bearer', connection: 'close' });
      const stop = metrics.httpDuration.startTimer({ route: METRICS_PATH });
      res.once('finish', () => stop({ status: String(res.statusCode) }));
      writeMetrics(metrics, res).catch(() => {
        if (!res.headersSent) plain(res, 500, 'metrics unavailable\n');
        else res.destroy();
      });
    },
  );
  server.maxConnections = METRICS_MAX_CONNECTIONS;
  return server;
}
