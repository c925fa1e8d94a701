import { Args, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { LiveTailItem } from '../services/live-tail/live-tail.service';
import type { GraphQLContext } from '../services/services';
import { AuditEventAddedArgs } from '../types/audit-event-added.args';
import { AuditEventEdge } from '../types/audit-event-connection.type';
import type { BuiltEdge } from '../paging/timeline-page';

/** Live tails over graphql-ws. */
@Resolver()
export class LiveTailResolver {
  @Subscription(() => AuditEventEdge, {
    description:
      'Events that become visible after the subscription starts (or after `after`), each delivered once, oldest first within each source; ' +
      'across sources in time order within `live.mergeHoldMs`. A failing source sends an error naming it, and the subscription goes on. ' +
      'Each edge cursor resumes the subscription, or an `auditEvents(order: OLDEST_FIRST)` query of the same sources and filter.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, AuditEventAddedArgs, GraphQLContext>) => {
      const { connectionId } = context;
      if (connectionId === undefined) throw new Error('auditEventAdded was executed outside a WebSocket connection');
      return context.services.liveTail.subscribe({ ...context, connectionId }, args);
    },
  })
  // The arguments are declared here for the schema; `subscribe` above is what reads them.
  auditEventAdded(@Root() item: LiveTailItem, @Args() _args: AuditEventAddedArgs): BuiltEdge {
    if (item.kind === 'error') throw item.error;
    return { cursor: item.cursor, node: item.node };
  }
}
