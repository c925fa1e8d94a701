import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { AuditEventPage } from '../services/audit-events.service';
import { AuditEventConnection } from '../types/audit-event-connection.type';

/** Counts only when asked: a count may cost an upstream call. */
@Resolver(() => AuditEventConnection)
export class AuditEventConnectionResolver {
  @FieldResolver(() => Int, { nullable: true })
  totalCount(@Root() page: AuditEventPage): Promise<number | null> {
    return page.totalCount();
  }
}
