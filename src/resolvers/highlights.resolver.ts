import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { encodeGlobalId } from '../domain/global-id';
import type { HighlightsView } from '../services/highlights/highlights.types';
import type { GraphQLContext } from '../services/services';
import { HighlightsInput } from '../types/highlights.input';
import { Highlights } from '../types/highlights.type';

/** Galileo highlights: cached asks and fresh requests. */
@Resolver(() => Highlights)
export class HighlightsResolver {
  @Query(() => Highlights, {
    description:
      "Highlights of a user's latest sessions. The same input reuses the running or finished request (READY results are cached for an hour); ask again while PENDING.",
  })
  highlights(@Arg('input', () => HighlightsInput) input: HighlightsInput, @Ctx() ctx: GraphQLContext): Promise<HighlightsView> {
    return ctx.services.highlights.highlights(ctx, input);
  }

  @Mutation(() => Highlights, { description: 'Starts a fresh highlights request, even when the same input has one running or ready.' })
  requestHighlights(@Arg('input', () => HighlightsInput) input: HighlightsInput, @Ctx() ctx: GraphQLContext): Promise<HighlightsView> {
    return ctx.services.highlights.requestHighlights(ctx, input);
  }

  @FieldResolver(() => ID, { description: 'Opaque global id of the request.' })
  id(@Root() highlights: HighlightsView): string {
    return encodeGlobalId({ type: 'Highlights', sourceId: highlights.sourceId, requestId: highlights.requestId });
  }
}
