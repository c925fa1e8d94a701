import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { SessionExportPage } from '../services/session-exports.service';
import type { GraphQLContext } from '../services/services';
import { SessionExportConnection, SessionExportsArgs } from '../types/session-export.type';

/** LogRocket's session data export as a Relay connection. */
@Resolver()
export class SessionExportResolver {
  @Query(() => SessionExportConnection, {
    description: 'Exported sessions of a LogRocket source, oldest first, each exactly once when paged to the end.',
  })
  sessionExports(@Args() args: SessionExportsArgs, @Ctx() ctx: GraphQLContext): Promise<SessionExportPage> {
    return ctx.services.sessionExports.page(ctx, args);
  }
}
