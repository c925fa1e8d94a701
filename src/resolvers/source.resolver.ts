import { Ctx, Query, Resolver } from 'type-graphql';
import { toSourceNode, type SourceNode } from '../services/node.service';
import type { GraphQLContext } from '../services/services';
import { Source } from '../types/source.type';

/** The sources the caller may read. */
@Resolver(() => Source)
export class SourceResolver {
  @Query(() => [Source], { description: 'The sources the caller may read, in configuration order.' })
  sources(@Ctx() ctx: GraphQLContext): SourceNode[] {
    return ctx.services.registry.visibleTo(ctx.tenant).map(toSourceNode);
  }
}
