import { ArgsType, Field } from 'type-graphql';
import { TimelineSelectionArgs } from './timeline-selection.args';

/** Arguments of the `auditEventAdded` subscription. */
@ArgsType()
export class AuditEventAddedArgs extends TimelineSelectionArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'Resume: first deliver what came after this cursor (an edge cursor of this subscription, or of `auditEvents` with the same sources and filter), then go live.',
  })
  after?: string | null;
}
