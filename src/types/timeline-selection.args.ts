import { ArgsType, Field } from 'type-graphql';
import { AuditEventFilter } from './audit-event-filter.input';

/** What a timeline reads: its sources and its filter (`auditEvents`, `auditEventAdded`). */
@ArgsType()
export abstract class TimelineSelectionArgs {
  @Field(() => [String], { nullable: true, description: 'Source names; default: every source the caller may read.' })
  sources?: string[] | null;

  @Field(() => AuditEventFilter, { nullable: true })
  filter?: AuditEventFilter | null;
}
