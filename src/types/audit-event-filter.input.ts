import { Field, InputType } from 'type-graphql';
import type { ParsedTimestamp } from '../paging/time-key';
import { DateTimeScalar } from './date-time.scalar';
import { AuditActorType } from './enums';

/** Narrows a timeline. Lists mean "any of"; fields combine with AND. */
@InputType('AuditEventFilter', { description: 'Narrows a timeline. Lists mean "any of"; fields combine with AND.' })
export class AuditEventFilter {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive lower bound.' })
  occurredAfter?: ParsedTimestamp | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Exclusive upper bound.' })
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
