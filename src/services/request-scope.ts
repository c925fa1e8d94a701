import type { UpstreamCall } from '../datasources/http-client';
import type { TenantScope } from '../datasources/source-registry';
import type { Logger } from '../logging/logger';

/** What every service call needs to know about the GraphQL request it serves. */
export interface RequestScope {
  readonly requestId: string;
  readonly tenant: TenantScope;
  /** Deadline and abort signal inherited by every upstream call. */
  readonly call: UpstreamCall;
  readonly logger: Logger;
}
