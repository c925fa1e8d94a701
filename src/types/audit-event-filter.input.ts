import { Field, InputType } from 'type-graphql';
import type { ParsedTimestamp } from '../paging/time-key';
import { DateTimeScalar } from './date-time.scalar';
import { AuditActorType } from './enums';

/** Narrows a timeline. Lists mean "any of"; fields combine with AND. */
@InputType('AuditEventFilter', {
  description:
    'Narrows a timeline. Lists mean "any of"; fields combine with AND. A list holds 1 to 100 values of at most 1,024 characters each.',
})
export class AuditEventFilter {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Inclusive lower bound. Before 1970-01-01T00:00:00Z counts as that instant: no source holds older events.',
  })
  occurredAfter?: ParsedTimestamp | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Exclusive upper bound. After 9999-12-31T23:59:59Z counts as that instant.' })
  occurredBefore?: ParsedTimestamp | null;

  @Field(() => [String], { nullable: true })
  actions?: string[] | null;

  @Field(() => [String], { nullable: true })
  actorIds?: string[] | null;

  @Field(() => [AuditActorType], { nullable: true })
  actorTypes?: AuditActorType[] | null;

  @Field(() => [String], { nullable: true })
  targetTypes?: string[] | null;

  @Field(() => [String], { nullable: true })
  targetIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  ipAddresses?: string[] | null;
}
