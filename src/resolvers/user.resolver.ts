import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { encodeGlobalId } from '../domain/global-id';
import { AuditGraphError } from '../errors';
import type { HighlightsView } from '../services/highlights/highlights.types';
import { toSourceNode, type SourceNode } from '../services/node.service';
import type { GraphQLContext } from '../services/services';
import type { UpsertUserOutcome, UserRecord } from '../services/users.service';
import { UserHighlightsArgs } from '../types/highlights.input';
import { Highlights } from '../types/highlights.type';
import { Source } from '../types/source.type';
import { UpsertUserInput } from '../types/upsert-user.input';
import { UpsertUserResult } from '../types/upsert-user-result.type';
import { User } from '../types/user.type';

/** LogRocket user upserts and the computed fields of a user. */
@Resolver(() => User)
export class UserResolver {
  @Mutation(() => User, {
    description: "Creates or updates a LogRocket user. Input is checked against LogRocket's limits before anything is sent.",
  })
  upsertUser(@Arg('input', () => UpsertUserInput) input: UpsertUserInput, @Ctx() ctx: GraphQLContext): Promise<UserRecord> {
    return ctx.services.users.upsertUser(ctx, input);
  }

  @Mutation(() => [UpsertUserResult], {
    description:
      'Creates or updates up to 500 users, a few at a time: one result per input, in input order; a bad input fails only itself.',
  })
  upsertUsers(@Arg('inputs', () => [UpsertUserInput]) inputs: UpsertUserInput[], @Ctx() ctx: GraphQLContext): Promise<UpsertUserOutcome[]> {
    return ctx.services.users.upsertUsers(ctx, inputs);
  }

  @FieldResolver(() => ID, { description: 'Opaque global id of the user in this source.' })
  id(@Root() user: UserRecord): string {
    return encodeGlobalId({ type: 'User', sourceId: user.sourceId, userId: user.userId });
  }

  @FieldResolver(() => Source)
  source(@Root() user: UserRecord, @Ctx() ctx: GraphQLContext): SourceNode {
    const adapter = ctx.services.registry.get(ctx.tenant, user.sourceId);
    if (!adapter) throw new AuditGraphError('INTERNAL_SERVER_ERROR', 'A user of an unreadable source was about to be returned.');
    return toSourceNode(adapter.ref);
  }

  @FieldResolver(() => Highlights, {
    description: "Galileo highlights of this user's latest sessions; many users in one query are asked for concurrently.",
  })
  highlights(@Root() user: UserRecord, @Args() args: UserHighlightsArgs, @Ctx() ctx: GraphQLContext): Promise<HighlightsView> {
    return ctx.services.highlights.forUser(ctx, {
      sourceId: user.sourceId,
      userId: user.userId,
      from: args.from ?? null,
      to: args.to ?? null,
      question: args.question ?? null,
    });
  }
}
