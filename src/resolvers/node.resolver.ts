import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { NodeValue } from '../services/node.service';
import type { GraphQLContext } from '../services/services';
import { Node } from '../types/node.interface';

/** Relay object identification. */
@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'The object with this global id, or null when there is none you may read.' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<NodeValue | null> {
    return ctx.services.nodes.node(ctx, id);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'The objects with these global ids, in the same order; null for each you may not read.',
  })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: GraphQLContext): Promise<NodeValue | null>[] {
    return ctx.services.nodes.nodes(ctx, ids);
  }
}
