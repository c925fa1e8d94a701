import type { ServerResponse } from 'node:http';
import type { GatewayMetrics } from '../observability/metrics';

/** Low-cardinality route label of a path. */
export function routeOf(pathname: string): string {
  if (pathname === '/graphql' || pathname === '/graphql/') return '/graphql';
  if (pathname.startsWith('/webhooks/')) return '/webhooks';
  return ['/healthz', '/readyz', '/metrics'].includes(pathname) ? pathname : 'other';
}

/** Records the request in `httpDuration` by route and status once its answer is sent. */
export function timeHttpRequest(metrics: GatewayMetrics, res: ServerResponse, pathname: string): void {
  const stop = metrics.httpDuration.startTimer({ route: routeOf(pathname) });
  res.once('finish', () => stop({ status: String(res.statusCode) }));
}
