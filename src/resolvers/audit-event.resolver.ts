import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Info, Query, Resolver } from 'type-graphql';
import type { AuditEventRecord, SourceRef } from '../domain/audit-event';
import { encodeGlobalId } from '../domain/global-id';
import { AuditGraphError } from '../errors';
import { toSourceNode, type SourceNode } from '../services/node.service';
import type { AuditEventPage } from '../services/audit-events.service';
import type { GraphQLContext } from '../services/services';
import { AuditEventConnection } from '../types/audit-event-connection.type';
import { AuditEvent } from '../types/audit-event.type';
import { AuditEventsArgs } from '../types/audit-events.args';
import { selects } from './selection';

/** `Source` nodes by adapter ref; a ref lives as long as its adapter, and so may its node. */
const sourceNodes = new WeakMap<SourceRef, SourceNode>();

/** `AuditEvent.id`: the event's opaque global id. */
export function auditEventId(event: AuditEventRecord): string {
  return encodeGlobalId({ type: 'AuditEvent', sourceId: event.sourceId, timeKey: event.timeKey, nativeId: event.nativeId });
}

/** `AuditEvent.source`: the node of the source the event came from. */
export function auditEventSource(event: AuditEventRecord, ctx: GraphQLContext): SourceNode {
  const adapter = ctx.services.registry.get(ctx.tenant, event.sourceId);
  if (!adapter) throw new AuditGraphError('INTERNAL_SERVER_ERROR', 'An event of an unreadable source was about to be returned.');
  // Every edge of a page asks for the same few sources: build each node (and its id) once.
  let node = sourceNodes.get(adapter.ref);
  if (!node) sourceNodes.set(adapter.ref, (node = toSourceNode(adapter.ref)));
  return node;
}

/**
 * The computed event fields (`id`, `source`) as plain graphql-js resolvers, installed by
 * build-schema.ts; the type class only declares them. They run once per edge, and a type-graphql
 * field resolver's wrapper (container lookup, param list, middleware dispatch) took about 14% of
 * executing a page; this schema uses no type-graphql middleware or auth checker it would apply.
 */
export const AUDIT_EVENT_FIELD_RESOLVERS = {
  AuditEvent: {
    id: auditEventId,
    source: (event: AuditEventRecord, _args: unknown, ctx: GraphQLContext): SourceNode => auditEventSource(event, ctx),
  },
} as const;

/** Timelines. */
@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, {
    description: 'One source or several, merged into one timeline. Default: every source the caller may read.',
  })
  async auditEvents(@Args() args: AuditEventsArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<AuditEventPage> {
    // Edge cursors are signed lazily when the query does not ask for them (pageInfo's are enough).
    const reading = ctx.services.auditEvents.page(ctx, args, {
      signEveryEdge: selects(info, ['edges', 'cursor']),
      // A count asked for with the page is read alongside it.
      countNow: selects(info, ['totalCount']),
    });
    // Node lookups of this request (`nodes`, `_entities`) take these events instead of calling upstream.
    ctx.services.nodes.reading(ctx, args.sources ?? null, reading);
    const page = await reading;
    for (const error of page.sourceErrors) ctx.partialErrors.push({ error, path: responsePathAsArray(info.path) });
    return page;
  }
}
