import { ArgsType, Field } from 'type-graphql';
import { AuditEventFilter } from './audit-event-filter.input';

/** Arguments of the `auditEventAdded` subscription. */
@ArgsType()
export class AuditEventAddedArgs {
  @Field(() => [String], { nullable: true, description: 'Source names; default: every source the caller may read.' })
  sources?: string[] | null;

  @Field(() => AuditEventFilter, { nullable: true })
  filter?: AuditEventFilter | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Resume: first deliver what came after this cursor (an edge cursor of this subscription, or of `auditEvents` with the same sources and filter), then go live.',
  })
  after?: string | null;
}
