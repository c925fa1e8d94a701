import { Field, ObjectType } from 'type-graphql';
import { User } from './user.type';

/** Why one input of `upsertUsers` failed; the other inputs are unaffected. */
@ObjectType('UpsertUserError', { description: 'Why one input of `upsertUsers` failed; the other inputs are unaffected.' })
export class UpsertUserError {
  @Field({ description: 'An error code of the contract, e.g. BAD_USER_INPUT or UPSTREAM_UNAVAILABLE.' })
  code!: string;

  @Field({ description: 'What went wrong and what to do.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The input field at fault, e.g. `email` or `traits.plan`.' })
  field!: string | null;

  @Field(() => String, { nullable: true, description: 'The source an upstream error concerns.' })
  source!: string | null;
}

/** The outcome of one input of `upsertUsers`: exactly one of `user` and `error` is set. */
@ObjectType('UpsertUserResult', { description: 'The outcome of one input of `upsertUsers`: exactly one of `user` and `error` is set.' })
export class UpsertUserResult {
  @Field(() => User, { nullable: true, description: 'The user as LogRocket stored it.' })
  user!: User | null;

  @Field(() => UpsertUserError, { nullable: true })
  error!: UpsertUserError | null;
}
