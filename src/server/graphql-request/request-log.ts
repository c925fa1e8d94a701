import type { Logger } from '../../logging/logger';
import type { GraphQLContext } from '../../services/services';
import type { UpstreamTally } from './context';

/** What the request log line reports about one executed request. */
export interface RequestOutcome {
  readonly status: number;
  readonly ms: number;
  readonly upstream: UpstreamTally;
}

/** The `graphql request` line of an answered request. */
export function logRequest(context: GraphQLContext, outcome: RequestOutcome): void {
  const { status, ms, upstream } = outcome;
  context.logger.info({ operation: context.operation.name, status, ms, upstream }, 'graphql request');
}

/** The `graphql request` line of a request whose client left before its answer. */
export function logClientAbort(context: GraphQLContext, outcome: Omit<RequestOutcome, 'status'>): void {
  const { ms, upstream } = outcome;
  // Nobody reads this answer. 499 (nginx's "client closed request") is for the log only.
  context.logger.info({ operation: context.operation.name, status: 499, outcome: 'client_abort', ms, upstream }, 'graphql request');
}

/** The `graphql request` line of a request whose client left while sending its body. */
export function logBodyAbort(logger: Logger, requestId: string, tenantId: string): void {
  logger.info({ requestId, tenant: tenantId, status: 499, outcome: 'client_abort', phase: 'body' }, 'graphql request');
}
