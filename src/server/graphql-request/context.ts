import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Tenant } from '../../auth/tenant-resolver';
import type { UpstreamSample } from '../../datasources/http-client';
import type { GraphQLContext } from '../../services/services';
import type { GraphQLRequestDeps } from './exchange';

/** Upstream calls of one request, by source: what the request log line reports. */
export type UpstreamTally = Record<string, { calls: number; errors: number; ms: number; cancelled?: number }>;

/** A signal that aborts when the client goes away before its answer is sent. */
export function abortOnHangUp(res: ServerResponse): AbortSignal {
  const abort = new AbortController();
  // Every upstream call of the request listens to it: a merged page of several aliased
  // timelines legitimately has dozens at once.
  setMaxListeners(0, abort.signal);
  res.on('close', () => {
    if (!res.writableFinished) abort.abort(new Error('client went away'));
  });
  return abort.signal;
}

/** An empty tally and the observer of upstream attempts that fills it. */
export function tallyUpstream(): { readonly upstream: UpstreamTally; readonly observe: (sample: UpstreamSample) => void } {
  const upstream: UpstreamTally = {};
  const observe = (sample: UpstreamSample) => {
    const tally = (upstream[sample.sourceId] ??= { calls: 0, errors: 0, ms: 0 });
    tally.calls += 1;
    tally.ms += sample.ms;
    if (sample.status === 'error' || (typeof sample.status === 'number' && sample.status >= 400)) tally.errors += 1;
    if (sample.status === 'cancelled') tally.cancelled = (tally.cancelled ?? 0) + 1;
  };
  return { upstream, observe };
}

/** What one request's context is made of besides the server's dependencies. */
export interface ContextParts {
  readonly requestId: string;
  readonly tenant: Tenant;
  /** When the request started, on `deps.now`'s clock; its upstream deadline counts from here. */
  readonly started: number;
  readonly signal: AbortSignal;
  readonly observe: (sample: UpstreamSample) => void;
  /** The parsed payload, for the operation name of the log line. */
  readonly body: unknown;
}

/** The GraphQL context of one request: its tenant, upstream deadline and signal, logger and services. */
export function buildContext(deps: GraphQLRequestDeps, parts: ContextParts): GraphQLContext {
  const { requestId, tenant, started, signal, observe, body } = parts;
  const operationName = (body as { operationName?: unknown } | undefined)?.operationName;
  return {
    requestId,
    tenant,
    call: { deadline: started + deps.requestTimeoutMs, signal, observe, tenantId: tenant.id },
    logger: deps.logger.child({ requestId, tenant: tenant.id }),
    services: deps.services,
    partialErrors: [],
    operation: { name: operationName === undefined ? null : String(operationName) },
  };
}
