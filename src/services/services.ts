import type { SourceRegistry } from '../datasources/source-registry';
import type { AuditEventsService } from './audit-events.service';
import type { NodeService } from './node.service';
import type { RequestScope } from './request-scope';

/** Every service a resolver may call; built once per process. */
export interface Services {
  readonly registry: SourceRegistry;
  readonly auditEvents: AuditEventsService;
  readonly nodes: NodeService;
}

/** The GraphQL context: the request's scope plus the services. */
export interface GraphQLContext extends RequestScope {
  readonly services: Services;
}
