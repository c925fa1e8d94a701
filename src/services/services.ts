import type { SourceRegistry } from '../datasources/source-registry';
import type { AuditGraphError } from '../errors';
import type { AuditEventsService } from './audit-events.service';
import type { HighlightsService } from './highlights/highlights.service';
import type { LiveTailService } from './live-tail/live-tail.service';
import type { NodeService } from './node.service';
import type { RequestScope } from './request-scope';
import type { SessionExportsService } from './session-exports.service';
import type { UsersService } from './users.service';

/** Every service a resolver may call; built once per process. */
export interface Services {
  readonly registry: SourceRegistry;
  readonly auditEvents: AuditEventsService;
  readonly nodes: NodeService;
  readonly users: UsersService;
  readonly highlights: HighlightsService;
  readonly sessionExports: SessionExportsService;
  readonly liveTail: LiveTailService;
}

/** An error reported next to data: a source left out of a timeline under `onSourceError: PARTIAL`. */
export interface PartialError {
  readonly error: AuditGraphError;
  /** Response path of the field it concerns. */
  readonly path: readonly (string | number)[];
}

/** The GraphQL context: the request's scope plus the services. */
export interface GraphQLContext extends RequestScope {
  readonly services: Services;
  /** Filled by resolvers, appended to the response's `errors` when it is sent. */
  readonly partialErrors: PartialError[];
  /** Filled once Apollo has resolved the operation, for the request log line. */
  readonly operation: { name: string | null };
  /** Id of the WebSocket connection a subscription runs on; absent over HTTP. */
  readonly connectionId?: string;
}
