import type { Tenant } from '../../auth/tenant-resolver';
import { sendJson } from '../json-response';
import type { GraphQLExchange, GraphQLRequestDeps } from './exchange';

/** Counts the request against its tenant's per-minute budget; false once it answered 429. */
export async function admitWithinRateLimit(deps: GraphQLRequestDeps, exchange: GraphQLExchange, tenant: Tenant): Promise<boolean> {
  const verdict = await deps.rateLimiter?.request(tenant.id);
  if (!verdict || verdict.allowed) return true;
  const { req, res, requestId } = exchange;
  deps.metrics?.rateLimited.inc({ kind: 'requests', source: '' });
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
  return false;
}
