import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';
import type { ParsedTimestamp } from '../paging/time-key';
import { DateTimeScalar } from './date-time.scalar';

/** A user to create or update in LogRocket. */
@InputType('UpsertUserInput', {
  description: "A user to create or update in LogRocket. Strings are at most 1024 characters (LogRocket's limit).",
})
export class UpsertUserInput {
  @Field(() => String, { nullable: true, description: 'A LogRocket source; optional when you may read only one.' })
  source?: string | null;

  @Field({ description: 'The id your app identifies the user with in LogRocket.' })
  userId!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'An email address.' })
  email?: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'String, integer or boolean values; "" removes the trait; traits left out keep their value.',
  })
  traits?: Record<string, unknown> | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Sets the user's first/last seen time." })
  seenAt?: ParsedTimestamp | null;
}
