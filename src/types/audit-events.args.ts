import { ArgsType, Field, Int } from 'type-graphql';
import { AuditEventOrder, SourceErrorPolicy } from './enums';
import { TimelineSelectionArgs } from './timeline-selection.args';

/** Arguments of `auditEvents`. */
@ArgsType()
export class AuditEventsArgs extends TimelineSelectionArgs {
  @Field(() => AuditEventOrder, { nullable: true, defaultValue: AuditEventOrder.NEWEST_FIRST })
  order?: AuditEventOrder | null;

  @Field(() => SourceErrorPolicy, { nullable: true, defaultValue: SourceErrorPolicy.FAIL })
  onSourceError?: SourceErrorPolicy | null;

  @Field(() => Int, { nullable: true, description: 'Page forward: at most this many (default 20, max 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page backward: at most this many (max 100).' })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}
