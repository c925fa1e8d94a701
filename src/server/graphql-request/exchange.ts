import type { ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TenantResolver } from '../../auth/tenant-resolver';
import type { Logger } from '../../logging/logger';
import type { GatewayMetrics } from '../../observability/metrics';
import type { GraphQLContext, Services } from '../../services/services';
import type { TenantRateLimiter } from '../protection/tenant-rate-limiter';

/** What every step of a GraphQL request is served with: the HTTP server's options, defaults filled. */
export interface GraphQLRequestDeps {
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly tenants: TenantResolver;
  readonly services: Services;
  readonly logger: Logger;
  readonly now: () => number;
  /** Overall time one GraphQL request may spend upstream, ms. */
  readonly requestTimeoutMs: number;
  /** Largest accepted request body, bytes. */
  readonly maxBodyBytes: number;
  /** Counts each request against its tenant's budget; absent for no inbound limit. */
  readonly rateLimiter?: TenantRateLimiter;
  readonly metrics?: GatewayMetrics;
  /** Serve Apollo's landing page to browsers without a key. */
  readonly landingPage: boolean;
}

/** One request to `/graphql` and its answer. */
export interface GraphQLExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly requestId: string;
}
